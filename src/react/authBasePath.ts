/**
 * Where the auth routes are mounted, for `signIn` / `signOut` called without
 * a `basePath`. `<SessionProvider basePath>` sets it when it mounts.
 */
export const authBasePath = { current: '/api/auth' };
