import { getViewer } from '@/lib/viewer';

export const dynamic = 'force-dynamic';

export async function GET() {
  const viewer = await getViewer();
  const headers = { 'cache-control': 'private, no-store' };
  if (viewer === null) return Response.json({ error: 'unauthenticated' }, { status: 401, headers });
  const { username, userId, email, groups } = viewer;
  return Response.json({ username, userId, email, groups }, { headers });
}
