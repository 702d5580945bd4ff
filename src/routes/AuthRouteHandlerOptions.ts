/** Options of `createAuthRouteHandlers`. */
export interface AuthRouteHandlerOptions {
  /** Where a completed sign-in lands when no `returnTo` was given. @default '/' */
  redirectOnSignInComplete?: string;
  /** Where the browser lands after signing out. @default '/' */
  redirectOnSignOutComplete?: string;
  /**
   * A page of the app that shows sign-in errors; it receives `?error=<code>`.
   * @default undefined (a small built-in error page)
   */
  errorPath?: string;
}
