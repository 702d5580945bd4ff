import { signIn } from '@/auth';
import { getViewer, SESSION_UNAVAILABLE } from '@/lib/session';

// This page is left out of the proxy matcher on purpose: it shows how server
// components alone read (and, when due, refresh for their render) a session.
export default async function TeamPage() {
  const viewer = await getViewer();
  return (
    <section className="card">
      <h1>Team</h1>
      {viewer === SESSION_UNAVAILABLE ? (
        <p data-testid="team-status">We cannot check your session right now; you are still signed in. Try again in a moment.</p>
      ) : viewer ? (
        <p data-testid="team-status">
          Welcome back, {viewer.name ?? viewer.email}. You are in {viewer.groups.length > 0 ? viewer.groups.join(', ') : 'no groups'}.
        </p>
      ) : (
        <>
          <p data-testid="team-status">Sign in to see your team.</p>
          {/* The signIn server action: through the sign-in route and back to /team. */}
          <form
            action={async () => {
              'use server';
              await signIn('/team');
            }}
          >
            <button type="submit" className="button" data-testid="team-sign-in">
              Continue to sign-in
            </button>
          </form>
        </>
      )}
    </section>
  );
}
