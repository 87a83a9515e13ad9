/** API Gateway's maximum integration timeout for REST APIs (29 s) → 504. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

export class InvocationTimeout extends Error {
  constructor(ms: number) {
    super(`Function did not answer within ${ms} ms`);
    this.name = 'InvocationTimeout';
  }
}

/** Runs an in-process "Lambda" but stops waiting after `ms`, like API Gateway does. */
export async function invokeWithTimeout<T>(run: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeout(ms)), ms);
  });
  try {
    // `Promise.resolve().then(run)` turns a synchronous throw into a rejection.
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
