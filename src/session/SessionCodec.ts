import type { CookieStore } from '../cookies/CookieStore.js';
import type { Session } from './Session.js';
import type { TokenSet } from './TokenSet.js';

/** How a session is laid out in cookies. */
export interface SessionCodec {
  /** The session in `store`, or `undefined` when absent or not authentic. Never throws for bad cookies. */
  read(store: CookieStore): Promise<Session | undefined>;
  /** Writes `tokens` (tokens must already be verified). */
  write(store: CookieStore, tokens: TokenSet): Promise<Session>;
  /** Deletes every cookie this codec may have written. */
  clear(store: CookieStore): void;
}
