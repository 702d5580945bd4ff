import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { Session } from '../session/Session.js';
import { toSession } from '../session/toSession.js';
import type { ContextState } from './ContextState.js';
import { clearQuietly } from './clearQuietly.js';
import { readStoredSession } from './readStoredSession.js';
import { userOf } from './userOf.js';

/**
 * The context's usable session, read once per operation (`force` refreshes
 * unconditionally). Bad cookies read as `undefined` (signed out).
 *
 * An access token that is expired or about to expire is refreshed. The new
 * session is written back where Next.js allows it (middleware/proxy, route
 * handlers, server actions, Pages Router). In server components it serves
 * this render, and the old cookie (which the browser keeps) maps to it for
 * `refresh.grace` seconds from the refresh; after that the old cookie is
 * spent and reads as signed out, whoever presents it. Pages that read the
 * session therefore belong inside the guard's matcher, which stores the
 * refreshed cookie.
 *
 * A refresh token signed out in this process reads as signed out at once.
 *
 * Server-side sessions (`session.codec: 'server'`) refresh through the store
 * record: it is re-read first (another instance may have refreshed it), then
 * written back under the same id. The cookie does not change, so a refresh in
 * a server component lasts.
 *
 * @throws AuthError `IdpUnavailable` / `DiscoveryFailed` when a refresh was
 *   needed and the IdP could not be reached; the cookies are left intact.
 * @throws AuthError `StoreUnavailable` (server-side sessions) when the
 *   session's record could not be read or written; the cookies are left intact.
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
  let stored = await readStoredSession(state);
  if (stored === undefined) return undefined;
  const { refreshToken } = stored.tokens;
  if (refreshToken !== undefined && runtime.refresher.ended(refreshToken)) {
    // Signed out in this process: a replayed copy of the cookie is no session.
    clearQuietly(state);
    return undefined;
  }
  const now = Date.now();
  if (!force && !refreshDue(stored, runtime.options.refresh.leeway, now)) return stored;
  const { codec } = runtime;
  if (codec.reload !== undefined) {
    // The record may be fresher than this process's copy: another instance refreshed it.
    const current = await codec.reload(stored);
    if (current === undefined) return undefined;
    stored = current;
    if (!force && !refreshDue(stored, runtime.options.refresh.leeway, now)) return stored;
  }
  if (stored.tokens.refreshToken === undefined) return stored.expiresAt > now ? stored : undefined;
  // Cookie codecs: a cut-off (signed out everywhere, back-channel logout) stops the refresh too.
  if (runtime.isRevoked !== undefined && (await runtime.isRevoked(stored))) {
    clearQuietly(state);
    return undefined;
  }

  const user = userOf(stored.idToken.payload, stored.accessToken.payload);
  let session: Session;
  try {
    // `previous`: the refresh must answer for the same `sub` (OIDC Core 12.2).
    session = toSession(await runtime.refresher.refresh(stored.tokens.refreshToken, { force, subject: user, previous: stored.tokens }));
  } catch (err) {
    if (isAuthError(err, 'RefreshTokenRejected')) {
      // The grant is dead (or spent, or answered for someone else): clear
      // what we can so the browser stops sending it.
      clearQuietly(state);
      return undefined;
    }
    // Transient: never delete anything. A still-valid token keeps working.
    if (stored.expiresAt > now) return stored;
    throw isAuthError(err) ? err : new AuthError('IdpUnavailable', 'Session refresh failed', { cause: err });
  }
  if (codec.reload !== undefined) {
    // Server-side session: the record takes the new tokens under the same id; the cookie stays.
    try {
      return await codec.write(state.store!, session.tokens, { refreshes: stored });
    } catch (err) {
      if (!isAuthError(err, 'RefreshTokenRejected')) throw err;
      // Ended while the IdP answered: stays ended.
      clearQuietly(state);
      return undefined;
    }
  }
  await persist(state, session);
  return session;
}

let warnedReadOnly = false;

async function persist(state: ContextState, session: Session): Promise<void> {
  if (state.store === null) return;
  try {
    await state.runtime.codec.write(state.store, session.tokens);
  } catch (err) {
    if (!isAuthError(err, 'CookiesReadOnly')) throw err;
    // Server component: the browser keeps the old cookie. Its refresh token
    // maps to this result for the grace window only: nothing extends it, or
    // a stolen old cookie replayed here would be kept alive for ever.
    if (!warnedReadOnly) {
      warnedReadOnly = true;
      console.warn(
        'next-server-auth: a session was refreshed where cookies are read-only (a server component). The browser keeps its old cookie, ' +
          'which is signed out once refresh.grace has passed: let the guard (proxy/middleware matcher) cover pages that read the session.',
      );
    }
  }
}
