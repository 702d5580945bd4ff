import { cookies } from 'next/headers';
import Link from 'next/link';
import { fetchAuthSession, requireUser } from 'next-server-auth/server';
import { runWithServerContext } from '@/amplify-auth';

// Guarded in proxy.ts (signed out: back to /amplify, which has the form);
// the page checks the session itself too.
export default async function AmplifyPrivatePage() {
  const email = await runWithServerContext({
    nextServerContext: { cookies },
    operation: async (ctx) => {
      await requireUser(ctx, { returnTo: '/amplify/private' });
      const { tokens } = await fetchAuthSession(ctx);
      return tokens?.idToken.payload.email;
    },
  });
  return (
    <section className="card">
      <h1>Signed in with Amplify</h1>
      <p>
        Only for users signed in through the <Link href="/amplify">Amplify page</Link>:{' '}
        <strong data-testid="amplify-private-email">{typeof email === 'string' ? email : ''}</strong>
      </p>
    </section>
  );
}
