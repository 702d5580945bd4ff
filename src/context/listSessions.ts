import { AuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';
import type { SessionInfo } from './SessionInfo.js';

/**
 * The signed-in user's sessions (every browser or device signed in), most
 * recently seen first, the current one marked. Server-side sessions only.
 *
 * @throws AuthError `ServerSessionsRequired` unless `session.codec` is
 *   `'server'` (a cookie codec keeps no list of sessions); `UserUnAuthenticated`
 *   when signed out; `StoreUnavailable` when the store is down.
 * @example
 * ```tsx
 * // app/sessions/page.tsx
 * const sessions = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => listSessions(ctx) });
 * return sessions.map((s) => <li key={s.id}>{s.userAgent} {s.current ? '(this device)' : ''}</li>);
 * ```
 */
export async function listSessions(contextSpec: ContextSpec): Promise<SessionInfo[]> {
  const state = getContextState(contextSpec);
  const { serverCodec } = state.runtime;
  if (serverCodec === undefined) {
    throw new AuthError('ServerSessionsRequired', "listSessions needs runtimeOptions.session.codec: 'server' (cookie sessions are not listed anywhere)");
  }
  const session = await readSession(state);
  const sub = session?.idToken.payload.sub;
  if (session === undefined || typeof sub !== 'string') throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  const rows = await serverCodec.list(sub);
  return rows.map((row) => ({ ...row, current: row.id === session.serverId }));
}
