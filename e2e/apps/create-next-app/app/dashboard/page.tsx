import { Suspense } from 'react';
import { cookies } from 'next/headers';
import { fetchAuthSession, getCurrentUser } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

export default function Dashboard() {
  return (
    <main>
      <h1>Dashboard</h1>
      <Suspense fallback={<p>Loading…</p>}>
        <SignedInAs />
      </Suspense>
      <form method="post" action="/api/auth/sign-out">
        <button>Sign out</button>
      </form>
    </main>
  );
}

// Reads the session: request data, so it renders inside <Suspense>.
async function SignedInAs() {
  const { userId, groups, email } = await runWithServerContext({
    nextServerContext: { cookies },
    operation: async (ctx) => {
      const { userId, groups } = await getCurrentUser(ctx);
      const { tokens } = await fetchAuthSession(ctx);
      return { userId, groups, email: String(tokens?.idToken.payload.email ?? '') };
    },
  });
  return (
    <>
      <p>
        Signed in as <strong data-testid="user-email">{email}</strong> · groups:{' '}
        <span data-testid="user-groups">{groups.join(', ') || 'none'}</span>
      </p>
      <Notes userId={userId} />
    </>
  );
}

// Cached per user: the user id is an argument, so it is part of the cache key.
async function Notes({ userId }: { userId: string }) {
  'use cache';
  return <p data-testid="notes-owner">Notes of {userId}</p>;
}
