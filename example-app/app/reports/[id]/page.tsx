import { notFound, redirect } from 'next/navigation';
import { getViewer, SESSION_UNAVAILABLE } from '@/lib/session';

// A page on a dynamic segment. proxy.ts guards it with a RegExp rule; Next
// decodes the segment (`/reports/%34%32` is report 42), and the guard decides
// on that decoded path too. The page still checks the session itself: a
// matcher edit or a proxy bypass (CVE-2025-29927) must not expose the data.
export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Only numeric ids exist: anything else (`42;x`, `42/`, `42.`) is not a report.
  if (!/^\d+$/.test(id)) notFound();
  const viewer = await getViewer();
  if (viewer === SESSION_UNAVAILABLE) {
    return (
      <section className="card">
        <h1>Temporarily unavailable</h1>
        <p>We cannot check your session right now; you are still signed in. Try again in a moment.</p>
      </section>
    );
  }
  if (!viewer) redirect(`/api/auth/sign-in?returnTo=/reports/${id}`);
  return (
    <section className="card">
      <h1>
        Report <span data-testid="report">{id}</span>
      </h1>
      <p>Prepared for {viewer.email}.</p>
    </section>
  );
}
