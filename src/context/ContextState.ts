import type { CookieStore } from '../cookies/CookieStore.js';
import type { Session } from '../session/Session.js';
import type { AuthRuntime } from './AuthRuntime.js';

/** Per-operation state behind a {@link ContextSpec}. */
export interface ContextState {
  readonly runtime: AuthRuntime;
  /** `null` for a signed-out context (`nextServerContext: null`). */
  readonly store: CookieStore | null;
  /** The session read for this operation, memoised: one cookie read per request. */
  session?: Promise<Session | undefined>;
  /** Userinfo, memoised per operation. */
  userInfo?: Promise<Record<string, unknown>>;
}
