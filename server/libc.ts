/**
 * The C library through FFI, for the two things Deno does not expose: setsockopt on a listening
 * socket (http/nodelay.ts) and malloc_trim (memory_trim.ts). glibc only; callers fall back when
 * loading fails (no FFI permission, musl).
 */

/** Opens libc with the given symbols; throws when no libc could be loaded. */
export function openLibc<S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): Deno.DynamicLibrary<S> {
  const errors: string[] = [];
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      return Deno.dlopen(name, symbols);
    } catch (e) {
      errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`cannot load libc: ${errors.join("; ")}`);
}
