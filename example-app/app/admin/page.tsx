import { getViewer, SESSION_UNAVAILABLE } from '@/lib/session';

export default async function AdminPage() {
  const viewer = await getViewer();
  // The guard enforces the group; checking again here keeps the page safe
  // even if the proxy matcher is edited.
  if (viewer === SESSION_UNAVAILABLE) return <Unavailable />;
  if (!viewer || !viewer.groups.includes('ADMINS')) return <Forbidden />;
  return (
    <section className="card">
      <h1 data-testid="admin-heading">Admin</h1>
      <p>Only members of ADMINS see this. Signed in as {viewer.email}.</p>
    </section>
  );
}

function Unavailable() {
  return (
    <section className="card">
      <h1>Temporarily unavailable</h1>
      <p>We cannot check your session right now; you are still signed in. Try again in a moment.</p>
    </section>
  );
}

function Forbidden() {
  return (
    <section className="card">
      <h1 data-testid="forbidden">403 — Forbidden</h1>
      <p>Your account is not in the ADMINS group.</p>
    </section>
  );
}
