export default function ForbiddenPage() {
  return (
    <section className="card">
      <h1 data-testid="forbidden">403 — Forbidden</h1>
      <p>Your account does not have access to that page. Ask an administrator to add you to the right group.</p>
    </section>
  );
}
