import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { Session } from '../session/Session.js';
import { toSession } from '../session/toSession.js';
import type { ContextState } from './ContextState.js';
import { readStoredSession } from './readStoredSession.js';
import { userOf } from './userOf.js';

/**
 * The context's usable session, read once per operation (`force` refreshes
 * unconditionally). Bad cookies read as `undefined` (signed out).
 *
 * An access token that is expired or about to expire is refreshed. The new
 * session is written back where Next.js allows it (middleware/proxy, route
 * handlers, server actions, Pages Router); in server components it serves
 * this render only and the refresher keeps the mapping, so the next render
 * does not pay again.
 *
 * @throws AuthError `IdpUnavailable` / `DiscoveryFailed` when a refresh was
 *   needed and the IdP could not be reached; the cookies are left intact.
 */
export function readSession(state: ContextState, { force = false }: { force?: boolean } = {}): Promise<Session | undefined> {
  if (force) state.session = load(state, true);
  state.session ??= load(state, false);
  return state.session;
}

function refreshDue(session: Session, leewaySeconds: number, now: number): boolean {
  const iat = session.accessToken.payload.iat;
  const lifetime = typeof iat === 'number' ? session.expiresAt - iat * 1000 : Infinity;
  return now >= session.expiresAt - Math.min(leewaySeconds * 1000, lifetime / 4);
}

async function load(state: ContextState, force: boolean): Promise<Session | undefined> {
  const { runtime } = state;
  const stored = await readStoredSession(state);
  if (stored === undefined) return undefined;
  const now = Date.now();
  if (!force && !refreshDue(stored, runtime.options.refresh.leeway, now)) return stored;
  const refreshToken = stored.tokens.refreshToken;
  if (refreshToken === undefined) return stored.expiresAt > now ? stored : undefined;

  const user = userOf(stored.idToken.payload, stored.accessToken.payload);
  let session: Session;
  try {
    session = toSession(await runtime.refresher.refresh(refreshToken, { force, subject: user }));
  } catch (err) {
    if (isAuthError(err, 'RefreshTokenRejected')) {
      // The grant is dead: clear what we can so the browser stops sending it.
      clearQuietly(state);
      return undefined;
    }
    // Transient: never delete anything. A still-valid token keeps working.
    if (stored.expiresAt > now) return stored;
    throw isAuthError(err) ? err : new AuthError('IdpUnavailable', 'Session refresh failed', { cause: err });
  }
  await persist(state, session, refreshToken);
  return session;
}

function clearQuietly(state: ContextState): void {
  if (state.store === null) return;
  try {
    state.runtime.codec.clear(state.store);
  } catch (err) {
    if (!isAuthError(err, 'CookiesReadOnly')) throw err;
  }
}

async function persist(state: ContextState, session: Session, usedRefreshToken: string): Promise<void> {
  if (state.store === null) return;
  try {
    await state.runtime.codec.write(state.store, session.tokens);
  } catch (err) {
    if (!isAuthError(err, 'CookiesReadOnly')) throw err;
    // Server component: the browser keeps the old cookie, so keep answering it
    // with this result past the new access token's expiry, long enough for the
    // refresher to continue the rotation chain from the new refresh token.
    state.runtime.refresher.extend(usedRefreshToken, session.expiresAt + state.runtime.options.refresh.grace * 1000);
  }
}
