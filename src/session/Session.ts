import type { JWT } from '../tokens/JWT.js';
import type { TokenSet } from './TokenSet.js';

/** A decoded session: the tokens and their claims. */
export interface Session {
  readonly tokens: TokenSet;
  readonly idToken: JWT;
  readonly accessToken: JWT;
  /** When the session stops authorising: the earlier `exp` of the access and ID tokens, epoch milliseconds. */
  readonly expiresAt: number;
}
