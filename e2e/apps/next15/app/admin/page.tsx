import { getViewer } from '@/lib/viewer';

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const viewer = await getViewer();
  if (!viewer || !viewer.groups.includes('ADMINS')) return <h1 data-testid="forbidden">403 — Forbidden</h1>;
  return <h1 data-testid="admin-heading">Admin</h1>;
}
