// Only for members of ADMINS: proxy.ts's groups rule decides, from the claim the flavor names.
export default function Admin() {
  return (
    <main>
      <h1>Admin</h1>
    </main>
  );
}
