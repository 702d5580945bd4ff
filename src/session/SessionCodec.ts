import type { CookieStore } from '../cookies/CookieStore.js';
import type { Session } from './Session.js';
import type { TokenSet } from './TokenSet.js';

/** What {@link SessionCodec.write} is told about the tokens it writes. */
export interface SessionWriteOptions {
  /**
   * The session these tokens refresh. The server codec writes them under that
   * session's id (its cookie does not change, so this works where cookies are
   * read-only); without it a write is a sign-in: always a new session.
   */
  refreshes?: Session;
  /** Sign-in: the browser's `User-Agent`, kept with a server-side session for `listSessions`. */
  userAgent?: string;
}

/** How a session is laid out in cookies (and, for the server codec, in the store). */
export interface SessionCodec {
  /**
   * The session in `store`, or `undefined` when absent or not authentic. Never throws for bad cookies.
   * @throws AuthError `StoreUnavailable` (server codec) when the session's record could not be read:
   *   the caller must not treat that as signed out.
   */
  read(store: CookieStore): Promise<Session | undefined>;
  /** Writes `tokens` (tokens must already be verified). */
  write(store: CookieStore, tokens: TokenSet, options?: SessionWriteOptions): Promise<Session>;
  /** Deletes every cookie this codec may have written (the server codec also ends the record, in the background). */
  clear(store: CookieStore): void;
  /**
   * Sign-out: ends the session wherever it lives (the server codec deletes
   * its record and tells every instance), then clears the cookies like
   * {@link SessionCodec.clear}. Never rejects for a store outage: the record's
   * deletion is retried in the background. Absent: `clear` is all there is.
   */
  end?(store: CookieStore): Promise<void>;
  /**
   * The session as its source of truth holds it now, past any cache (the
   * server codec re-reads the record: another instance may have refreshed it).
   * Absent: the cookie is the source of truth.
   */
  reload?(session: Session): Promise<Session | undefined>;
}
