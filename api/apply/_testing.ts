/** Shared fixtures of the apply tests: a Deployment builder over the real schema table. */
import type { JsonObject } from "../patch/json.ts";
import { builtinResolver } from "../schema/table.ts";
import type { Schema } from "../schema/types.ts";

export const resolver = builtinResolver;
export const deploymentSchema: Schema | undefined = resolver.resolve(
  "io.k8s.api.apps.v1.Deployment",
);

export interface DeploymentOptions {
  replicas?: number;
  labels?: Record<string, string>;
  containers?: JsonObject[];
  finalizers?: string[];
}

/** An applied Deployment configuration as kubectl or helm would send it. */
export function deployment(o: DeploymentOptions = {}): JsonObject {
  const spec: JsonObject = {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: o.containers ?? [{ name: "nginx", image: "nginx:1" }] },
    },
  };
  if (o.replicas !== undefined) spec.replicas = o.replicas;
  const metadata: JsonObject = { name: "web", namespace: "default" };
  if (o.labels) metadata.labels = o.labels;
  if (o.finalizers) metadata.finalizers = o.finalizers;
  return { apiVersion: "apps/v1", kind: "Deployment", metadata, spec };
}

/** Reads a nested value by a dotted path (`spec.replicas`). */
export function at(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split(".")) {
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  }
  return v;
}

export const t0 = new Date("2025-01-01T00:00:00.000Z");
export const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

/** The keys of a managedFields entry without subresource, in upstream's order. */
export const ENTRY_KEYS = ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"];
