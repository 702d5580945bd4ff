import type { RevocationList } from './createRevocationList.js';
import { revocationAuthTime } from './createRevocationList.js';
import type { Session } from './Session.js';

/** The facts a cookie session is checked on against the cut-off list. */
export function revocationFacts(session: Session): { sub: string; sid?: string; authTime: number } | undefined {
  const { sub, sid } = session.idToken.payload;
  if (typeof sub !== 'string' || sub === '') return undefined;
  return {
    sub,
    ...(typeof sid === 'string' && sid !== '' ? { sid } : {}),
    // Neither auth_time nor iat: NaN, which the list treats as "before every cut-off" (fail closed).
    authTime: revocationAuthTime(session.idToken.payload) ?? Number.NaN,
  };
}

/**
 * `(session) => Promise<boolean>`: true when a cut-off of `list` ends the
 * session (its user or IdP session was signed out everywhere after it
 * authenticated). Never rejects: a store outage answers from memory.
 *
 * @example
 * ```ts
 * const isRevoked = revocationCheck(revocations);
 * if (await isRevoked(session)) return undefined; // signed out
 * ```
 */
export function revocationCheck(list: Pick<RevocationList, 'isRevoked'>): (session: Session) => Promise<boolean> {
  return async (session) => {
    const facts = revocationFacts(session);
    return facts === undefined ? false : list.isRevoked(facts);
  };
}
