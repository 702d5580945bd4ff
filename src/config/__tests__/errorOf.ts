import { AuthError } from '../../errors/AuthError.js';

/** The AuthError `fn` throws; any other error is rethrown, and not throwing fails the test. */
export function errorOf(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected an AuthError');
}

/** The AuthError `promise` rejects with; any other error is rethrown, and resolving fails the test. */
export async function rejectionOf(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
