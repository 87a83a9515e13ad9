/**
 * A value built on first use and kept for the life of the execution environment
 * (Lambda's cold start): configuration, clients, a detector. A build that throws
 * (or whose promise rejects) is not kept, so the next invocation tries again.
 */
export const lazy = <T>(build: () => T): (() => T) => {
  let built: { value: T } | undefined;
  return () => {
    if (built) return built.value;
    const value = build();
    if (value instanceof Promise) {
      const settled = value.catch((e: unknown) => {
        built = undefined;
        throw e;
      }) as T;
      built = { value: settled };
      return settled;
    }
    built = { value };
    return value;
  };
};
