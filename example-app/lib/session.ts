import { cookies } from 'next/headers';
import { fetchAuthSession, isAuthError } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

export interface Viewer {
  username: string;
  userId: string;
  email: string;
  name?: string;
  groups: string[];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The session store (Redis, SESSION_MODE=server) did not answer, so whether
 * anyone is signed in is unknown for now: not the same as signed out (the
 * cookie is kept and works again once the store is back).
 */
export const SESSION_UNAVAILABLE = 'unavailable';

/** The signed-in user for server components and route handlers, null when signed out, or SESSION_UNAVAILABLE. */
export async function getViewer(): Promise<Viewer | null | typeof SESSION_UNAVAILABLE> {
  let session;
  try {
    session = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => fetchAuthSession(ctx) });
  } catch (err) {
    // Server sessions: a read this process has not cached needs the store.
    if (isAuthError(err, 'StoreUnavailable')) return SESSION_UNAVAILABLE;
    throw err;
  }
  const id = session.tokens?.idToken.payload;
  const access = session.tokens?.accessToken.payload;
  if (!id || !access || typeof id.sub !== 'string') return null;
  const username = typeof access.username === 'string' ? access.username : String(id['cognito:username'] ?? id.preferred_username ?? id.sub);
  return {
    username,
    userId: id.sub,
    email: typeof id.email === 'string' ? id.email : '',
    ...(typeof id.name === 'string' ? { name: id.name } : {}),
    groups: stringList(id['cognito:groups'] ?? id.groups),
  };
}
