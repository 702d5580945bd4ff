import { AuthError } from '../errors/AuthError.js';

/** An `InvalidConfig` error that names the offending field. */
export function invalidConfig(field: string, problem: string): AuthError {
  return new AuthError('InvalidConfig', `Invalid auth config: ${field} ${problem}`);
}
