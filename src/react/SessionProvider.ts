import { createElement, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ReactElement, ReactNode } from 'react';
import type { ClientSession } from '../session/ClientSession.js';
import { authBasePath } from './authBasePath.js';
import { createSessionSync } from './createSessionSync.js';
import { SessionContext } from './SessionContext.js';
import { toSessionState } from './toSessionState.js';

export interface SessionProviderProps {
  /**
   * The session rendered on the server (`await getClientSession(ctx)`):
   * the first render shows it and nothing is fetched on mount. Without it
   * the status is `'loading'` until one fetch of `{basePath}/session`.
   */
  session?: ClientSession;
  /** Where the auth routes are mounted (read when the provider mounts). @default '/api/auth' */
  basePath?: string;
  children?: ReactNode;
}

/**
 * Holds the session for `useSession()` below it. Re-checks it (a fetch of
 * `{basePath}/session`, which refreshes on the server when due) on window
 * focus and when the tab becomes visible (at most every 5 s), shortly before
 * `expiresAt`, and when another tab signs out or calls `update()` (a
 * BroadcastChannel carrying only `{ type }`). A failed check (network error,
 * 503) keeps the last known session and retries with back-off; it never
 * reads as signed out.
 *
 * @example
 * ```tsx
 * // app/layout.tsx (a server component)
 * <SessionProvider session={await getClientSession(ctx)}>{children}</SessionProvider>
 * ```
 */
export function SessionProvider({ session: initial, basePath = '/api/auth', children }: SessionProviderProps): ReactElement {
  // One per provider (useState, not useMemo: React may drop memoised values); the prop only seeds it.
  const [sync] = useState(() => createSessionSync(basePath, initial));
  const session = useSyncExternalStore(sync.subscribe, sync.get, sync.get);

  useEffect(() => {
    authBasePath.current = basePath;
    return sync.start();
  }, [sync, basePath]);

  // A new session from the server (router.refresh()) replaces ours; compared
  // by value so an inline literal re-rendered with the same content does not.
  const propKey = JSON.stringify(initial ?? null);
  const seen = useRef(propKey);
  useEffect(() => {
    if (propKey === seen.current) return;
    seen.current = propKey;
    if (initial) sync.replace(initial);
  }, [propKey, initial, sync]);

  const value = useMemo(() => ({ ...toSessionState(session), update: sync.update }), [session, sync]);
  return createElement(SessionContext.Provider, { value }, children);
}
