/**
 * A value loaded on first use: concurrent first callers share one load, later callers get the
 * same value, and a failed load is forgotten so that the next call tries again (a failure is not
 * cached for the life of the process).
 */
export function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    pending ??= load().catch((e) => {
      pending = undefined;
      throw e;
    });
}
