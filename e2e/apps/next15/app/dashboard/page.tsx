import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/viewer';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const viewer = await getViewer();
  // The edge middleware stops signed-out visitors first; this is the backstop.
  if (viewer === null) redirect('/api/auth/sign-in?returnTo=/dashboard');
  return (
    <main>
      <h1>Dashboard</h1>
      <p>
        Signed in as <strong data-testid="user-email">{viewer.email}</strong>
      </p>
      <p data-testid="user-id">{viewer.userId}</p>
    </main>
  );
}
