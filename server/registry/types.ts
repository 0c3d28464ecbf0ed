/**
 * A row of the resource registry: everything the generic REST machinery needs to serve one
 * kind. Built-in kinds are rows in `builtin.ts`; CRDs add rows at run time. A kind gets code of
 * its own only through the optional `hooks` (real behaviour such as a Service's IP allocation).
 */
import type { GroupVersionKind, Schema, SchemaResolver } from "../../api/schema/types.ts";
import type { StatusCause } from "../../api/status.ts";

export type Verb =
  | "get"
  | "list"
  | "watch"
  | "create"
  | "update"
  | "patch"
  | "delete"
  | "deletecollection";

/** Every verb of a fully served resource. */
export const ALL_VERBS: Verb[] = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string; // "name" for the NAME column
  description?: string;
  /** 0 = always shown; 1 = only with `-o wide` (upstream priority). */
  priority: number;
  /** Computes the cell from the object. */
  cell: (obj: KubeObject, now: Date) => unknown;
}

/** A stored object as plain JSON. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
};

export interface ResourceHooks {
  /** Adjusts a new object before validation (e.g. allocate a ClusterIP). May throw ApiError. */
  prepareCreate?(obj: KubeObject, ctx: HookContext): void | Promise<void>;
  /** Adjusts an updated object before validation; `old` is the stored one. */
  prepareUpdate?(obj: KubeObject, old: KubeObject, ctx: HookContext): void | Promise<void>;
  /**
   * Extra semantic validation, returning causes (empty = valid). `old` is the stored object on
   * update (undefined on create); `subresource` the one written ("" for the object itself).
   */
  validate?(obj: KubeObject, old: KubeObject | undefined, subresource: string): StatusCause[];
  /**
   * The rules of a write through `/status` (validate is not called for one): most kinds have
   * none, their status being their controllers' to write.
   */
  validateStatus?(obj: KubeObject, old: KubeObject): StatusCause[];
  /** Warnings for a valid object (the `Warning` header), e.g. what kno does not do yet. */
  warnings?(obj: KubeObject): string[];
  /**
   * Called once an update settled, to give back what `dropped` holds and `kept` does not (a
   * Service's cluster IP or node ports): with the stored object and the one before it, or, when
   * the write failed, the other way round. Not called on dry runs.
   */
  afterUpdate?(kept: KubeObject, dropped: KubeObject, ctx: HookContext): void | Promise<void>;
  /** Called after a successful delete (e.g. release a ClusterIP). */
  afterDelete?(obj: KubeObject, ctx: HookContext): void | Promise<void>;
}

export interface HookContext {
  now: Date;
  dryRun: boolean;
  /** Who asked for the write (absent for the server's own writes). */
  user?: UserInfo;
}

export interface ResourceType {
  group: string; // "" for core
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  /** Subresources served: "status", "scale", "token", and later "log", "exec", "eviction"… (what
   * each one is: subresources.ts) */
  subresources: string[];
  /** For the scale subresource: where the replica count and selector live. */
  scale?: {
    specReplicasPath: string; // ".spec.replicas"
    statusReplicasPath: string; // ".status.replicas"
    labelSelectorPath?: string; // ".status.selector" or ".spec.selector"
  };
  /** Fields allowed in field selectors, besides metadata.name and metadata.namespace, with how to
   * read each one from an object. */
  fieldSelectors: Record<string, (obj: KubeObject) => string | undefined>;
  /** Server-side printing columns (after NAME; AGE is a column like the others). */
  columns: TableColumn[];
  /** The schema of the whole object and how to resolve its $refs. */
  schema: () => Schema | undefined;
  resolver: SchemaResolver;
  /**
   * `metadata.generation` is kept, starting at 1 and bumped when anything but metadata and
   * status changes (the kinds whose upstream strategy sets it: workloads, Pods, CRDs, …; not
   * Namespaces, Services, Nodes, claims and the like).
   */
  tracksGeneration: boolean;
  /** The status subresource exists: writes to the main resource keep the stored status and
   * writes to /status keep the stored spec (and everything but status). */
  hasStatus: boolean;
  /** Keys the storage key under `/registry/<storagePrefix>/…`, e.g. "apps/deployments". */
  storagePrefix: string;
  /** Served but stored by none (SelfSubjectAccessReview…): create answers from a hook. */
  virtual?: (obj: KubeObject, ctx: VirtualContext) => KubeObject | Promise<KubeObject>;
  /**
   * Subresources created through a hook (`serviceaccounts/token`): the body is decoded and
   * admitted as the given kind's row, whose `virtual` answers; nothing is stored.
   */
  createSubresources?: Record<string, ResourceType>;
  /**
   * The kind is kept in another kind's store (events.k8s.io Events as core Events): objects are
   * converted to that form before they are stored and back when read.
   */
  convert?: ObjectConversion;
  /** The object is a CRD's custom resource. */
  custom?: boolean;
  /** Writes through its subresources change the metadata they send too (CertificateSigningRequest's
   * /approval and /status, as its upstream strategies allow); otherwise only the subresource's
   * field changes. */
  subresourcesWriteMetadata?: boolean;
  /** The storage version (other served versions of the same group/resource convert with "none"). */
  storageVersion: string;
  hooks?: ResourceHooks;
  /**
   * Runs once before the first request for the kind is served (the server's own objects of a
   * kind few clients read, made when someone first asks rather than on every start).
   */
  firstUse?: () => Promise<void>;
}

export interface ObjectConversion {
  toStored(obj: KubeObject): KubeObject;
  fromStored(obj: KubeObject): KubeObject;
}

export interface VirtualContext extends HookContext {
  user: UserInfo;
  /** The request's namespace and name (for a subresource: its parent's). */
  namespace: string;
  name: string;
  /** Warnings for the `Warning` response header. */
  warnings: string[];
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** `group/version`, or the bare version for the core group. */
export function apiVersionOf(
  t: Pick<ResourceType, "group" | "version">,
  version = t.version,
): string {
  return t.group ? `${t.group}/${version}` : version;
}

export function gvkOf(t: ResourceType): GroupVersionKind {
  return { group: t.group, version: t.version, kind: t.kind };
}

/** Reads stored objects (the watch cache), by storage prefix ("core/serviceaccounts"). */
export interface ObjectLookup {
  get(storagePrefix: string, namespace: string, name: string): KubeObject | undefined;
  list(storagePrefix: string): KubeObject[];
}
