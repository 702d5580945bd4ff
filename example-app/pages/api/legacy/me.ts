import type { NextApiRequest, NextApiResponse } from 'next';
import { fetchAuthSession, getCurrentUser, isAuthError } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

// Pages Router API route: same JSON as the App Router's /api/me.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  res.setHeader('cache-control', 'private, no-store');
  try {
    const me = await runWithServerContext({
      nextServerContext: { request: req, response: res },
      operation: async (ctx) => {
        const { username, userId, groups } = await getCurrentUser(ctx);
        const id = (await fetchAuthSession(ctx)).tokens!.idToken.payload;
        return { username, userId, email: id.email ?? null, groups };
      },
    });
    res.status(200).json(me);
  } catch (err) {
    if (isAuthError(err, 'UserUnAuthenticated')) return res.status(401).json({ error: 'unauthenticated' });
    if (isAuthError(err, 'IdpUnavailable')) return res.status(503).json({ error: 'idp_unavailable' });
    if (isAuthError(err, 'StoreUnavailable')) return res.setHeader('retry-after', '5').status(503).json({ error: 'session_store_unavailable' });
    throw err;
  }
}
