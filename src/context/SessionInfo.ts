/** One of the signed-in user's sessions, for a "your devices" page. Never a token. */
export interface SessionInfo {
  /** The session's id in the store (a hash of the cookie's id: it cannot be turned into a cookie). Pass it to `revokeSession`. */
  id: string;
  /** True for the session of the request being served. */
  current: boolean;
  /** Sign-in time, epoch ms. */
  createdAt: number;
  /** Last request seen with this session, epoch ms (updated at most once a minute per instance). */
  lastSeenAt: number;
  /** The browser's `User-Agent` at sign-in (first 256 characters), when it sent one. */
  userAgent?: string;
}
