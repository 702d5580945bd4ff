import type { JWT } from '../tokens/JWT.js';
import type { TokenSet } from './TokenSet.js';

/** A decoded session: the tokens and their claims. */
export interface Session {
  readonly tokens: TokenSet;
  readonly idToken: JWT;
  readonly accessToken: JWT;
  /** When the session stops authorising: the earlier `exp` of the access and ID tokens, epoch milliseconds. */
  readonly expiresAt: number;
  /**
   * Server-side sessions (`session.codec: 'server'`) only: the session's id in
   * the store, the base64url SHA-256 of the cookie's random id (what
   * `SessionInfo.id` shows). It cannot be turned back into a cookie.
   */
  readonly serverId?: string;
}
