/**
 * Default classes, as upstream's DefaultStorageClass and DefaultIngressClass admission set them
 * (both on in k3s, whose local-path StorageClass and Traefik IngressClass are the defaults that
 * charts count on): a new claim that names no class gets the default StorageClass, a new Ingress
 * that names none gets the default IngressClass. The default is the class annotated as such;
 * with several, the newest (as upstream since 1.28). Nothing changes when there is none.
 */
import { compareStrings } from "../../api/order.ts";
import type { KubeObject } from "../registry/types.ts";
import type { ObjectLookup } from "../registry/types.ts";
import { fieldObject, obj } from "./shape.ts";

/** The newest of the classes under `prefix` whose annotation `key` (or `betaKey`) is "true". */
function defaultClass(
  lookup: ObjectLookup,
  prefix: string,
  keys: string[],
): KubeObject | undefined {
  const defaults = lookup.list(prefix).filter((c) => {
    const annotations = obj(c.metadata?.annotations) ?? {};
    return keys.some((k) => annotations[k] === "true");
  });
  const created = (c: KubeObject) => String(c.metadata?.creationTimestamp ?? "");
  defaults.sort((a, b) =>
    compareStrings(created(b), created(a)) ||
    compareStrings(String(a.metadata?.name), String(b.metadata?.name))
  );
  return defaults[0];
}

const STORAGE_DEFAULT = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

/** A new claim without a class gets the default StorageClass (an explicit "" is a choice). */
export function defaultStorageClass(pvc: KubeObject, lookup: ObjectLookup): void {
  const spec = fieldObject(pvc, "spec");
  if (!spec) return;
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (obj(pvc.metadata?.annotations)?.["volume.beta.kubernetes.io/storage-class"] !== undefined) {
    return;
  }
  const cls = defaultClass(lookup, "storage.k8s.io/storageclasses", STORAGE_DEFAULT);
  if (cls) spec.storageClassName = cls.metadata?.name;
}

/** A new Ingress without a class (field or legacy annotation) gets the default IngressClass. */
export function defaultIngressClass(ingress: KubeObject, lookup: ObjectLookup): void {
  const spec = fieldObject(ingress, "spec");
  if (!spec) return;
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) return;
  if (obj(ingress.metadata?.annotations)?.["kubernetes.io/ingress.class"] !== undefined) return;
  const cls = defaultClass(lookup, "networking.k8s.io/ingressclasses", [
    "ingressclass.kubernetes.io/is-default-class",
  ]);
  if (cls) spec.ingressClassName = cls.metadata?.name;
}
