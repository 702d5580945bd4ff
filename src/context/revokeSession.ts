import { clearQuietly } from './clearQuietly.js';
import { AuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { endRefreshTokens } from './endRefreshTokens.js';
import { readSession } from './readSession.js';

/**
 * Signs out one of the signed-in user's sessions ("sign out this device"),
 * by the `id` from {@link listSessions}: its record is deleted and every
 * instance told, so that browser is signed out on its next request; its
 * refresh token is revoked at the IdP. Only the user's own sessions: any
 * other id (another user's, unknown, malformed) ends nothing.
 * Revoking the current session also clears its cookie where Next.js allows it.
 *
 * @returns `true` when a session was ended, `false` when `id` is not one of the user's sessions.
 * @throws AuthError `ServerSessionsRequired` unless `session.codec` is `'server'`;
 *   `UserUnAuthenticated` when signed out; `StoreUnavailable` when the store is down.
 * @example
 * ```ts
 * // a server action
 * 'use server';
 * export async function signOutDevice(id: string) {
 *   await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => revokeSession(ctx, id) });
 *   revalidatePath('/sessions');
 * }
 * ```
 */
export async function revokeSession(contextSpec: ContextSpec, id: string): Promise<boolean> {
  const state = getContextState(contextSpec);
  const { runtime } = state;
  const { serverCodec } = runtime;
  if (serverCodec === undefined) {
    throw new AuthError('ServerSessionsRequired', "revokeSession needs runtimeOptions.session.codec: 'server' (use signOutEverywhere with cookie sessions)");
  }
  const session = await readSession(state);
  const sub = session?.idToken.payload.sub;
  if (session === undefined || typeof sub !== 'string') throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  if (typeof id !== 'string') return false;
  // `sub` in the match: a record of another user is never ended, whatever id is passed.
  const ended = await serverCodec.endWhere({ id, sub });
  if (ended.length === 0) return false;
  await endRefreshTokens(runtime, ended);
  if (id === session.serverId && state.store !== null) {
    state.session = Promise.resolve(undefined);
    state.userInfo = undefined;
    // In a server component the cookie stays, but its record is gone: it is dead anyway.
    clearQuietly(state);
  }
  return true;
}
