import Link from 'next/link';
import { getViewer, SESSION_UNAVAILABLE } from '@/lib/session';

export default async function HomePage() {
  const viewer = await getViewer();
  return (
    <section className="card">
      <h1>Notes for your team</h1>
      <p>
        Acme Notes keeps your team&apos;s notes in one place. This page is public; the dashboard needs you to sign in, and the
        admin area needs the <code>ADMINS</code> group.
      </p>
      {viewer === SESSION_UNAVAILABLE ? (
        <p data-testid="home-status">We cannot check your session right now; you are still signed in. Try again in a moment.</p>
      ) : viewer ? (
        <p data-testid="home-status">
          Welcome back, {viewer.name ?? viewer.email}. <Link href="/dashboard">Go to your dashboard →</Link>
        </p>
      ) : (
        <p data-testid="home-status">
          You are not signed in. <a href="/api/auth/sign-in?returnTo=/dashboard">Sign in</a> or{' '}
          <a href="/api/auth/sign-up">create an account</a>, or use <Link href="/login">the app&apos;s own sign-in form</Link>.
        </p>
      )}
    </section>
  );
}
