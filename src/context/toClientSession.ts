import { refusedClientClaim } from '../config/refusedClientClaim.js';
import type { ClientSession, ClientUser } from '../session/ClientSession.js';
import type { Session } from '../session/Session.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { userOf } from './userOf.js';

/** A compact JWS/JWE (`eyJ…` segments): never copied, whatever claim carries it. */
const COMPACT_JWT = /^eyJ[\w-]*\.[\w-]*\.[\w-]*(\.[\w-]*\.[\w-]*)?$/;

function isPublicValue(value: unknown): value is string | number | boolean {
  if (typeof value === 'string') return !COMPACT_JWT.test(value);
  return typeof value === 'number' ? Number.isFinite(value) : typeof value === 'boolean';
}

/**
 * What the browser may know about `session`: `username`, `userId`, `groups`,
 * the allowlisted ID-token claims (`runtimeOptions.clientSession.claims`,
 * primitive values only) and the expiry. Never a token or a protocol claim:
 * the allowlist is re-checked here too, so a runtime built around the config
 * check still cannot leak one.
 *
 * @example
 * ```ts
 * toClientSession(await readSession(state), state.runtime);
 * // { user: { username: 'alice@example.com', userId: '…', groups: ['ADMINS'], email: 'alice@example.com' }, expiresAt: 1767225600000 }
 * ```
 */
export function toClientSession(session: Session | undefined, runtime: Pick<AuthRuntime, 'config' | 'options'>): ClientSession {
  if (session === undefined) return { user: null };
  const id = session.idToken.payload;
  const base = userOf(id, session.accessToken.payload, runtime.config.groupsClaim);
  if (base === undefined) return { user: null };
  const user: ClientUser = { username: base.username, userId: base.userId, groups: [...base.groups] };
  for (const claim of runtime.options.clientSession.claims) {
    if (refusedClientClaim(claim) !== undefined || !Object.hasOwn(id, claim)) continue;
    const value = id[claim];
    // defineProperty: an own data property whatever the name.
    if (isPublicValue(value)) Object.defineProperty(user, claim, { value, enumerable: true, writable: true, configurable: true });
  }
  return { user, expiresAt: session.expiresAt };
}
