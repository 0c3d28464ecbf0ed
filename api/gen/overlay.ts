/**
 * Merges the static defaults overlay (`api/schema/defaults_overlay.ts`) into the generated
 * definitions as `default` on the named properties. A definition or property the overlay names
 * but the table lacks is an error: the overlay must follow upstream renames.
 */
import type { Schema } from "../schema/types.ts";
import { GenerateError } from "./resolve.ts";

export function applyDefaultsOverlay(
  definitions: Map<string, Schema>,
  overlay: Record<string, Record<string, unknown>>,
): void {
  for (const [defName, props] of Object.entries(overlay)) {
    const def = definitions.get(defName);
    if (!def) throw new GenerateError(`Defaults overlay names unknown definition "${defName}"`);
    for (const [prop, value] of Object.entries(props)) {
      const schema = def.properties?.[prop];
      if (!schema) {
        throw new GenerateError(`Defaults overlay names unknown property "${defName}.${prop}"`);
      }
      schema.default = structuredClone(value);
    }
  }
}
