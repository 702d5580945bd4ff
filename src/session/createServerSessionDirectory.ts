import type { ServerCodec } from './createServerCodec.js';
import type { SessionDirectory } from './SessionDirectory.js';

/**
 * The session directory of `session.codec: 'server'`: ending sessions
 * deletes their records (and index entries) and pushes the revocation to
 * every instance's cache.
 *
 * @example
 * ```ts
 * const sessions = createServerSessionDirectory(serverCodec);
 * await sessions.endSessions({ sid }); // back-channel logout
 * ```
 */
export function createServerSessionDirectory(codec: ServerCodec): SessionDirectory {
  return {
    mode: 'server',
    async endSessions(match) {
      // Matching nothing must not mean "everything".
      if (match.sub === undefined && match.sid === undefined) return;
      await codec.endWhere({ ...(match.sub !== undefined ? { sub: match.sub } : {}), ...(match.sid !== undefined ? { sid: match.sid } : {}) });
    },
  };
}
