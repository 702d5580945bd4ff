import { createElement, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import type { ClientSession } from '../session/ClientSession.js';
import { authBasePath } from './authBasePath.js';
import { fetchClientSession } from './fetchClientSession.js';
import { MIN_CHECK_DELAY_MS, nextCheckDelay } from './nextCheckDelay.js';
import { SessionContext } from './SessionContext.js';
import { parseTabMessage, TAB_CHANNEL } from './tabMessage.js';
import type { TabMessage } from './tabMessage.js';
import { toSessionState } from './toSessionState.js';

export interface SessionProviderProps {
  /**
   * The session rendered on the server (`await getClientSession(ctx)`):
   * the first render shows it and nothing is fetched on mount. Without it
   * the status is `'loading'` until one fetch of `{basePath}/session`.
   */
  session?: ClientSession;
  /** Where the auth routes are mounted. @default '/api/auth' */
  basePath?: string;
  children?: ReactNode;
}

const ignore = (): void => undefined;
const userKey = (session: ClientSession | undefined): string => JSON.stringify(session?.user);

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
  const [session, setSession] = useState(initial);
  const [failures, setFailures] = useState(0);
  const seq = useRef(0);
  const lastCheck = useRef(0);
  const current = useRef(session);
  const started = useRef(false);
  const channel = useRef<BroadcastChannel | undefined>(undefined);

  // A new session from the server (router.refresh()) replaces ours; compared
  // by value so an inline literal re-rendered with the same content does not.
  const propKey = JSON.stringify(initial ?? null);
  const [seenKey, setSeenKey] = useState(propKey);
  if (propKey !== seenKey) {
    setSeenKey(propKey);
    if (initial) setSession(initial);
  }

  const check = useCallback(async (): Promise<ClientSession> => {
    const id = ++seq.current;
    lastCheck.current = Date.now();
    try {
      const next = await fetchClientSession(basePath);
      // Only the latest check may set the session: an older answer arriving late must not undo a newer one.
      if (id === seq.current) {
        setSession(next);
        setFailures(0);
      }
      return next;
    } catch (err) {
      if (id === seq.current) setFailures((n) => n + 1);
      throw err;
    }
  }, [basePath]);

  const update = useCallback(async (): Promise<ClientSession> => {
    const before = current.current;
    const next = await check();
    // Through our own channel object, which does not hear itself: only the other tabs re-fetch.
    if (userKey(before) !== userKey(next)) channel.current?.postMessage({ type: 'changed' } satisfies TabMessage);
    return next;
  }, [check]);

  useEffect(() => {
    current.current = session;
  }, [session]);

  useEffect(() => {
    authBasePath.current = basePath;
  }, [basePath]);

  useEffect(() => {
    // Once per provider, even when Strict Mode runs effects twice.
    if (current.current === undefined && !started.current) check().catch(ignore);
    started.current = true;
  }, [check]);

  useEffect(() => {
    const delay = nextCheckDelay(session, failures, Date.now());
    if (delay === undefined) return;
    const timer = setTimeout(() => void check().catch(ignore), delay);
    return () => clearTimeout(timer);
  }, [session, failures, check]);

  useEffect(() => {
    let confirm: ReturnType<typeof setTimeout> | undefined;
    const recheck = (): void => {
      if (document.visibilityState === 'visible' && Date.now() - lastCheck.current >= MIN_CHECK_DELAY_MS) check().catch(ignore);
    };
    const tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel(TAB_CHANNEL) : undefined;
    channel.current = tabs;
    if (tabs) {
      tabs.onmessage = (event: MessageEvent): void => {
        const type = parseTabMessage(event.data);
        if (type === 'changed') check().catch(ignore);
        if (type !== 'signed-out') return;
        // Signed out at once; an answer already on its way is stale. The
        // confirming fetch waits: the other tab's sign-out POST may not
        // have reached the server yet, and an answer from before it would
        // flip this tab back to signed in.
        seq.current++;
        lastCheck.current = Date.now();
        setSession({ user: null });
        setFailures(0);
        clearTimeout(confirm);
        confirm = setTimeout(() => void check().catch(ignore), MIN_CHECK_DELAY_MS);
      };
    }
    window.addEventListener('focus', recheck);
    document.addEventListener('visibilitychange', recheck);
    return () => {
      clearTimeout(confirm);
      tabs?.close();
      channel.current = undefined;
      window.removeEventListener('focus', recheck);
      document.removeEventListener('visibilitychange', recheck);
    };
  }, [check]);

  const value = useMemo(() => ({ ...toSessionState(session), update }), [session, update]);
  return createElement(SessionContext.Provider, { value }, children);
}
