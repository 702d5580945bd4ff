import { getViewer } from '@/lib/viewer';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const viewer = await getViewer();
  return (
    <main>
      <h1>Next 15 edge test app</h1>
      {viewer ? (
        <>
          <p data-testid="home-status">Signed in as {viewer.email}.</p>
          <form method="post" action="/api/auth/sign-out">
            <button type="submit">Sign out</button>
          </form>
        </>
      ) : (
        <p data-testid="home-status">
          You are not signed in. <a href="/api/auth/sign-in?returnTo=/dashboard">Sign in</a>
        </p>
      )}
    </main>
  );
}
