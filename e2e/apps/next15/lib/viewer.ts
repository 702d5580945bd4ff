import { cookies } from 'next/headers';
import { fetchAuthSession, getCurrentUser, isAuthError } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

export interface Viewer {
  username: string;
  userId: string;
  email: string;
  groups: string[];
}

/** The signed-in user (server components, route handlers), or null. */
export async function getViewer(): Promise<Viewer | null> {
  return runWithServerContext({
    nextServerContext: { cookies },
    operation: async (ctx) => {
      try {
        const { username, userId } = await getCurrentUser(ctx);
        const { tokens } = await fetchAuthSession(ctx);
        const id = tokens!.idToken.payload;
        const groups = id['cognito:groups'] ?? id.groups;
        return {
          username,
          userId,
          email: typeof id.email === 'string' ? id.email : '',
          groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
        };
      } catch (err) {
        if (isAuthError(err, 'UserUnAuthenticated')) return null;
        throw err;
      }
    },
  });
}
