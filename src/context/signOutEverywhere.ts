import { clearQuietly } from './clearQuietly.js';
import { AuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { endRefreshTokens } from './endRefreshTokens.js';
import { readSession } from './readSession.js';
import { userOf } from './userOf.js';

/**
 * Signs the user out of every session, this one included, on every instance.
 *
 * - `session.codec: 'server'`: every session record of the user is deleted
 *   and every instance's cache told; each session's refresh token is revoked
 *   at the IdP (best effort).
 * - Cookie codecs (`'sealed'`, `'amplify'`): records a cut-off "authenticated
 *   before now" for the user (in `runtimeOptions.store` when there is one, and
 *   pushed to every instance; per process without a store). Every cookie of
 *   the user is signed out on its next read that misses the process cache and
 *   at its next refresh; cached copies on instances that got the push at once.
 *   Only this session's refresh token is known, and revoked at the IdP.
 *
 * The cookie of this request is cleared where Next.js allows it (server
 * actions, route handlers); elsewhere it is dead anyway.
 *
 * @throws AuthError `UserUnAuthenticated` when signed out; `StoreUnavailable`
 *   when the store is down (server mode: nothing was ended; cookie mode: this
 *   session was still ended and the cut-off holds in this process).
 * @example
 * ```ts
 * 'use server';
 * export async function signOutEverywhereAction() {
 *   await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => signOutEverywhere(ctx) });
 *   redirect('/');
 * }
 * ```
 */
export async function signOutEverywhere(contextSpec: ContextSpec): Promise<void> {
  const state = getContextState(contextSpec);
  const { runtime } = state;
  const session = await readSession(state);
  const sub = session?.idToken.payload.sub;
  if (session === undefined || typeof sub !== 'string') throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  let failure: unknown;
  if (runtime.serverCodec !== undefined) {
    const ended = await runtime.serverCodec.endWhere({ sub });
    await endRefreshTokens(runtime, [...ended, session.tokens]);
  } else {
    try {
      await runtime.sessions.endSessions({ sub });
    } catch (err) {
      failure = err;
    }
    await endRefreshTokens(runtime, [session.tokens]);
  }
  state.session = Promise.resolve(undefined);
  state.userInfo = undefined;
  clearQuietly(state);
  const user = userOf(session.idToken.payload, session.accessToken.payload);
  runtime.emit('signedOut', user ? { user: { username: user.username, userId: user.userId } } : {});
  if (failure !== undefined) throw failure;
}
