import type { TokenSet } from '../session/TokenSet.js';
import { revokeToken } from '../tokens/revokeToken.js';
import type { AuthRuntime } from './AuthRuntime.js';

/**
 * Ends the refresh tokens of sessions that were just ended: spent in this
 * process (no refresh, no grace mapping) and revoked at the IdP. Best
 * effort, in parallel, each IdP call bounded by `httpTimeoutMs`; never throws.
 *
 * @example
 * ```ts
 * await endRefreshTokens(runtime, await runtime.serverCodec!.endWhere({ sub }));
 * ```
 */
export async function endRefreshTokens(runtime: AuthRuntime, sets: readonly TokenSet[]): Promise<void> {
  const tokens = [...new Set(sets.map((set) => set.refreshToken).filter((t): t is string => typeof t === 'string' && t !== ''))];
  if (tokens.length === 0) return;
  const endpoints = await runtime.endpoints().catch(() => undefined);
  await Promise.all(
    tokens.map(async (token) => {
      await runtime.refresher.end(token).catch(() => undefined);
      if (endpoints) await revokeToken(runtime.config, endpoints, token, runtime.options.httpTimeoutMs).catch(() => undefined);
    }),
  );
}
