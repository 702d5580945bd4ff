import type { SessionDirectory } from './SessionDirectory.js';

export interface CookieSessionDirectoryOptions {
  /**
   * Records a cut-off "authenticated before `at`" for the matching sessions
   * (the revocation list). Without it, ending sessions has no effect beyond
   * the caller's own cookie, which the caller clears.
   */
  revoke?: (match: { sub?: string; sid?: string }) => Promise<void>;
}

/**
 * The session directory of the cookie codecs (`'sealed'`, `'amplify'`): the
 * server holds no list of sessions, so ending sessions records a cut-off that
 * cold reads and refreshes check.
 *
 * @example
 * ```ts
 * const sessions = createCookieSessionDirectory({ revoke: (match) => revocations.revoke(match) });
 * await sessions.endSessions({ sub });
 * ```
 */
export function createCookieSessionDirectory({ revoke }: CookieSessionDirectoryOptions = {}): SessionDirectory {
  return {
    mode: 'cookie',
    async endSessions(match) {
      // Matching nothing must not mean "everything".
      if (match.sub === undefined && match.sid === undefined) return;
      await revoke?.(match);
    },
  };
}
