/**
 * Duplicate object keys in a request body. JSON.parse and the YAML library keep the last of
 * two equal keys without a word; upstream's strict decoding names them (`duplicate field
 * "spec.replicas"` in JSON, `line 9: key "foo" already set in map` in YAML), refusing the
 * request under fieldValidation=Strict and warning under Warn.
 */

interface Frame {
  /** Keys seen in an object; undefined for an array. */
  keys: Set<string> | undefined;
  path: string;
  /** Object: the key whose value comes next. Array: the index of the current item. */
  key: string;
  index: number;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The paths of duplicate keys in `text`, which must be valid JSON (JSON.parse accepted it), in
 * document order and in upstream's notation (`spec.containers[0].name`). One pass, no values
 * built: it runs on every JSON body.
 */
export function duplicateJsonFields(text: string): string[] {
  const out: string[] = [];
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else if (d === QUOTE || j >= n) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = text.slice(i + 1, j);
        const key = escaped ? JSON.parse(`"${raw}"`) as string : raw;
        if (top.keys.has(key)) out.push(join(top.path, key));
        else top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const top = stack[stack.length - 1];
      const path = top === undefined
        ? ""
        : top.keys
        ? join(top.path, top.key)
        : `${top.path}[${top.index}]`;
      stack.push({
        keys: c === 0x7b ? new Set() : undefined,
        path,
        key: "",
        index: 0,
        expectKey: true,
      });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
