import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { fetchAuthSession, getCurrentUser, isAuthError } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

export default async function DashboardPage() {
  const result = await runWithServerContext({
    nextServerContext: { cookies },
    operation: async (ctx) => {
      try {
        const user = await getCurrentUser(ctx);
        const { tokens } = await fetchAuthSession(ctx);
        return { user, claims: tokens!.idToken.payload, expiresAt: tokens!.accessToken.payload.exp ?? 0 };
      } catch (err) {
        if (isAuthError(err, 'UserUnAuthenticated')) return null;
        throw err;
      }
    },
  });
  // The guard normally stops signed-out visitors first; this is the backstop.
  if (result === null) redirect('/api/auth/sign-in?returnTo=/dashboard');
  const { user, claims, expiresAt } = result;
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
  return (
    <section className="card">
      <h1>Dashboard</h1>
      <p>
        Signed in as <strong data-testid="user-email">{String(claims.email ?? '')}</strong>
        {typeof claims.name === 'string' ? <> ({claims.name})</> : null}.
      </p>
      <dl className="facts">
        <dt>Username</dt>
        <dd data-testid="username">{user.username}</dd>
        <dt>User id</dt>
        <dd data-testid="user-id">{user.userId}</dd>
        <dt>Groups</dt>
        <dd data-testid="groups">{groups.length > 0 ? groups.join(', ') : 'none'}</dd>
        <dt>Access token expires</dt>
        <dd data-testid="token-exp">{new Date(expiresAt * 1000).toISOString()}</dd>
      </dl>
    </section>
  );
}
