/**
 * Merges an applied configuration into the live object: maps merge by key, list-maps by their
 * key fields and sets by value (live order kept, applied items placed in applied order), and
 * scalars and atomic values are replaced. A `null` in the configuration removes the field.
 */
import { isObject, type JsonObject } from "../patch/json.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { badRequest } from "../status.ts";
import { displayPath, elementPe, fieldPe } from "./path_element.ts";
import { childSchema, type TypeNode, typeOf } from "./type_node.ts";

/** The merge of `config` into `live` (neither is mutated). */
export function mergeApplied(
  live: JsonObject,
  config: JsonObject,
  schema: Schema | undefined,
  resolver: SchemaResolver,
): JsonObject {
  // One deep copy of the live object up front; the merger then works in place on it.
  const out = new Merger(resolver).value(structuredClone(live), config, schema, []);
  return isObject(out) ? out : {};
}

class Merger {
  constructor(private readonly r: SchemaResolver) {}

  /** The merged value (`live` is a private copy, reused in place); undefined removes the field. */
  value(live: unknown, config: unknown, schema: Schema | undefined, path: string[]): unknown {
    if (config === undefined) return live;
    if (config === null) return undefined;
    const node = typeOf(schema, config, this.r);
    if (node.kind === "map") return this.map(live, config as JsonObject, node, path);
    if (node.kind === "list") return this.list(live, config as unknown[], node, path);
    return structuredClone(config);
  }

  private map(live: unknown, config: JsonObject, node: TypeNode, path: string[]): JsonObject {
    const out: JsonObject = isObject(live) ? live : {};
    for (const [k, v] of Object.entries(config)) {
      const m = this.value(out[k], v, childSchema(node, k), [...path, fieldPe(k)]);
      if (m === undefined) delete out[k];
      else out[k] = m;
    }
    return out;
  }

  /**
   * Interleaves the two lists: live-only items keep their place, applied items come in applied
   * order, and an item in both is merged where the applied list puts it.
   */
  private list(
    live: unknown,
    config: unknown[],
    node: TypeNode & { kind: "list" },
    path: string[],
  ): unknown[] {
    const lhs = Array.isArray(live) ? live : [];
    const lPes = lhs.map((item, i) => elementPe(node, item, i, this.r, false));
    const rPes = config.map((item, i) => elementPe(node, item, i, this.r, true));
    const lByPe = new Map<string, unknown>();
    lPes.forEach((pe, i) => lByPe.has(pe) || lByPe.set(pe, lhs[i]));
    const rByPe = new Map<string, unknown>();
    rPes.forEach((pe, i) => {
      if (rByPe.has(pe)) {
        throw badRequest(
          `${displayPath([...path, pe])}: duplicate entries for key in the applied configuration`,
        );
      }
      rByPe.set(pe, config[i]);
    });
    const shared = rPes.filter((pe) => lByPe.has(pe));
    let nextShared = 0;
    const out: unknown[] = [];
    const emitted = new Set<string>();
    const take = (pe: string) => {
      const merged = node.relationship === "map"
        ? this.value(lByPe.get(pe), rByPe.get(pe), node.items, [...path, pe])
        : structuredClone(rByPe.get(pe));
      if (merged !== undefined) out.push(merged);
      emitted.add(pe);
      if (shared[nextShared] === pe) nextShared++;
    };
    let li = 0;
    let ri = 0;
    while (li < lhs.length || ri < config.length) {
      const lpe = lPes[li];
      const rpe = rPes[ri];
      if (lpe !== undefined && emitted.has(lpe) && rByPe.has(lpe)) {
        li++;
      } else if (lpe !== undefined && rpe !== undefined && lpe === rpe) {
        take(rpe);
        li++;
        ri++;
      } else if (lpe !== undefined && !rByPe.has(lpe)) {
        out.push(lhs[li]);
        li++;
      } else if (lpe !== undefined && rpe !== undefined && shared[nextShared] !== lpe) {
        // A shared item that the applied list places later: wait for it there.
        li++;
      } else if (rpe !== undefined) {
        take(rpe);
        ri++;
      } else {
        li++;
      }
    }
    return out;
  }
}
