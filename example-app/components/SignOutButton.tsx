/** A plain form POST: works without JavaScript, and sign-out is never a GET. */
export function SignOutButton() {
  return (
    <form method="post" action="/api/auth/sign-out">
      <button type="submit" className="button secondary">
        Sign out
      </button>
    </form>
  );
}
