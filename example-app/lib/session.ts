import { cookies } from 'next/headers';
import { fetchAuthSession } from 'next-server-auth/server';
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

/** The signed-in user for server components and route handlers, or null. */
export async function getViewer(): Promise<Viewer | null> {
  const session = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => fetchAuthSession(ctx) });
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
