/** Shown instead of the forms when the IdP is not a Cognito user pool (DEV_IDP_MODE=oidc). */
export function HostedSignInOnly({ returnTo }: { returnTo?: string }) {
  const href = `/api/auth/sign-in${returnTo ? `?${new URLSearchParams({ returnTo })}` : ''}`;
  return (
    <section className="card">
      <h1>Sign in</h1>
      <p data-testid="login-unavailable">
        These sign-in, sign-up and password-reset forms call a Cognito user pool&apos;s API, and this app&apos;s identity provider is a
        generic OpenID provider. Sign in on its own page instead.
      </p>
      {/* A plain link, not <Link>: the sign-in route redirects to the identity provider. */}
      <a href={href} className="button" data-testid="login-hosted-link">
        Continue to the sign-in page
      </a>
    </section>
  );
}
