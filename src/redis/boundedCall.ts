import { AuthError } from '../errors/AuthError.js';

/**
 * Runs `op` and settles within `timeoutMs`: its result, or
 * `AuthError('StoreUnavailable')` when it fails or is still pending then.
 * The backend's own errors are wrapped (as `cause`) so callers switch on one
 * code; the message never contains keys or values.
 *
 * @example
 * ```ts
 * const value = await boundedCall(() => client.get(key), 250, 'get');
 * ```
 */
export function boundedCall<T>(op: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new AuthError('StoreUnavailable', `store ${what} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    // A pending store call must not keep a process alive that is shutting down.
    timer.unref?.();
    let pending: Promise<T>;
    try {
      pending = op();
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof AuthError ? err : new AuthError('StoreUnavailable', `store ${what} failed: ${describe(err)}`, { cause: err }));
      },
    );
  });
}

// The error's class and message only: node-redis messages name the command, never its arguments.
function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return 'unknown error';
}
