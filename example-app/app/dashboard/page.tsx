import { cookies } from 'next/headers';
import { fetchAuthSession, requireUser } from 'next-server-auth/server';
import { runWithServerContext, signOut } from '@/auth';

export default async function DashboardPage() {
  const { user, claims, expiresAt } = await runWithServerContext({
    nextServerContext: { cookies },
    operation: async (ctx) => {
      // The guard normally stops signed-out visitors first; this is the
      // backstop: signed out, requireUser redirects through sign-in and back here.
      const user = await requireUser(ctx, { returnTo: '/dashboard' });
      const { tokens } = await fetchAuthSession(ctx);
      return { user, claims: tokens!.idToken.payload, expiresAt: tokens!.accessToken.payload.exp };
    },
  });
  return (
    <section className="card">
      <h1>Dashboard</h1>
      <p>
        Signed in as <strong data-testid="user-email">{claims.email ?? ''}</strong>
        {claims.name ? <> ({claims.name})</> : null}.
      </p>
      <dl className="facts">
        <dt>Username</dt>
        <dd data-testid="username">{user.username}</dd>
        <dt>User id</dt>
        <dd data-testid="user-id">{user.userId}</dd>
        <dt>Groups</dt>
        <dd data-testid="groups">{user.groups.length > 0 ? user.groups.join(', ') : 'none'}</dd>
        <dt>Access token expires</dt>
        <dd data-testid="token-exp">{new Date(expiresAt * 1000).toISOString()}</dd>
      </dl>
      {/* The same sign-out as the header's button, as a server action: Next checks its origin. */}
      <form
        action={async () => {
          'use server';
          await signOut();
        }}
      >
        <button type="submit" className="button secondary" data-testid="action-sign-out">
          Log out (server action)
        </button>
      </form>
    </section>
  );
}
