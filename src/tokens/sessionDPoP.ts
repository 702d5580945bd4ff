import type * as oauth from 'oauth4webapi';
import type { ResolvedAuthConfig } from '../config/types.js';
import type { TokenSet } from '../session/TokenSet.js';
import { dpopHandle } from './dpopHandle.js';
import { generateDPoPKey } from './generateDPoPKey.js';
import { importDPoPKey } from './importDPoPKey.js';

/** What a token request of a DPoP session needs: the key to keep in the session, its handle and thumbprint. */
export interface SessionDPoP {
  /** `TokenSet.dpopKey` for the resulting token set. */
  dpopKey: string;
  handle: oauth.DPoPHandle;
  jkt: string;
}

/**
 * The DPoP material for a token request of `session` (RFC 9449): its own key,
 * or a new one when it has none (sign-in; a session from before `oidc.dpop`
 * was turned on gets bound at its next refresh). `undefined` when DPoP is off
 * and the session has no key. A session holding a key keeps using it even if
 * `oidc.dpop` was turned off: its refresh token may be bound to it.
 *
 * @example
 * ```ts
 * const dpop = await sessionDPoP(config, previous);
 * const response = await oauth.refreshTokenGrantRequest(as, client, auth, rt, requestOptions(config, 5000, dpop?.handle));
 * ```
 */
export async function sessionDPoP(config: Pick<ResolvedAuthConfig, 'dpop'>, session?: Pick<TokenSet, 'dpopKey'>): Promise<SessionDPoP | undefined> {
  const existing = session?.dpopKey;
  if (existing === undefined && config.dpop !== true) return undefined;
  const dpopKey = existing ?? (await generateDPoPKey());
  const key = await importDPoPKey(dpopKey);
  return { dpopKey, handle: dpopHandle(key), jkt: key.jkt };
}
