import { cookies } from 'next/headers';
import { fetchAuthSession, getCurrentUser, isAuthError } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    const me = await runWithServerContext({
      nextServerContext: { cookies },
      operation: async (ctx) => {
        const { username, userId, groups } = await getCurrentUser(ctx);
        const { tokens } = await fetchAuthSession(ctx);
        return { username, userId, email: tokens!.idToken.payload.email ?? null, groups };
      },
    });
    return Response.json(me, { headers: { 'cache-control': 'private, no-store' } });
  } catch (err) {
    if (isAuthError(err, 'UserUnAuthenticated')) {
      return Response.json({ error: 'unauthenticated' }, { status: 401, headers: { 'cache-control': 'private, no-store' } });
    }
    if (isAuthError(err, 'IdpUnavailable')) {
      return Response.json({ error: 'idp_unavailable' }, { status: 503, headers: { 'cache-control': 'private, no-store' } });
    }
    // Server sessions with Redis not answering: signed in or not is unknown for now (the guard usually answers this first).
    if (isAuthError(err, 'StoreUnavailable')) {
      return Response.json({ error: 'session_store_unavailable' }, { status: 503, headers: { 'cache-control': 'private, no-store', 'retry-after': '5' } });
    }
    throw err;
  }
}
