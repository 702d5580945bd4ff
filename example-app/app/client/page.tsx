import { cookies } from 'next/headers';
import { getClientSession } from 'next-server-auth/server';
import { SessionProvider } from 'next-server-auth/react';
import { runWithServerContext } from '@/auth';
import { ClientNotes } from './ClientNotes';

// A client component with the session: the server hands SessionProvider the
// public part of the session (no token), so the first paint already shows the
// user and the browser makes no extra request for it.
export default async function ClientPage() {
  const session = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => getClientSession(ctx) });
  return (
    <SessionProvider session={session}>
      <ClientNotes />
    </SessionProvider>
  );
}
