import type { AuthEndpoints, ResolvedAuthConfig } from './types.js';
import { discoverEndpoints } from './discoverEndpoints.js';

/**
 * Returns a function that resolves the endpoints once and caches them. A
 * failed discovery is not cached, so the next request retries instead of the
 * process staying broken until restart.
 *
 * @example
 * ```ts
 * const endpoints = createEndpointResolver(config, { timeoutMs: 5000 });
 * const { token } = await endpoints();
 * ```
 */
export function createEndpointResolver(config: ResolvedAuthConfig, options: { timeoutMs: number }): () => Promise<AuthEndpoints> {
  if (config.endpoints) {
    const known = Promise.resolve(config.endpoints);
    return () => known;
  }
  let pending: Promise<AuthEndpoints> | undefined;
  return () => {
    pending ??= discoverEndpoints(config, options).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
