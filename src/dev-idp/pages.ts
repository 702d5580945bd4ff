import { escapeHtml } from './escapeHtml.js';

// System fonts only: the dev IdP must render without the internet.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;
  font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f2f4f7;color:#1d2433}
.banner{position:fixed;top:0;left:0;right:0;padding:6px 12px;background:#fff4ce;color:#5c4400;font-size:13px;text-align:center;
  border-bottom:1px solid #f0d98c}
.card{width:100%;max-width:380px;margin:56px 16px 24px;padding:28px 28px 22px;background:#fff;border-radius:10px;
  box-shadow:0 1px 3px rgba(16,24,40,.12),0 8px 24px rgba(16,24,40,.06)}
h1{margin:0 0 4px;font-size:22px;font-weight:600}
.sub{margin:0 0 20px;color:#5d6779;font-size:14px}
label{display:block;margin:14px 0 6px;font-weight:500;font-size:14px}
input{width:100%;height:40px;padding:0 12px;font:inherit;border:1px solid #c5cbd6;border-radius:6px;background:#fff}
input:focus{outline:2px solid #2e6bd9;outline-offset:0;border-color:#2e6bd9}
button{width:100%;height:42px;margin-top:22px;font:inherit;font-weight:600;color:#fff;background:#2e6bd9;border:0;border-radius:6px;cursor:pointer}
button:hover{background:#2458b8}
.error{margin:0 0 8px;padding:10px 12px;border-radius:6px;background:#fdecec;color:#9b1c1c;font-size:14px}
.alt{margin:18px 0 0;text-align:center;font-size:14px;color:#5d6779}
a{color:#2e6bd9}
.hint{margin:6px 0 0;font-size:12px;color:#5d6779}
footer{color:#7b8496;font-size:12px;margin-bottom:24px}
`;

function layout(title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · next-server-auth development IdP</title>
<style>${STYLE}</style>
</head>
<body>
<div class="banner" role="note">Development identity provider — not for production use</div>
<main class="card">
${content}
</main>
<footer>next-server-auth dev IdP</footer>
</body>
</html>`;
}

function errorBlock(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

/**
 * The hosted sign-in page.
 *
 * @example
 * ```ts
 * ctx.body = renderSignInPage({ action: '/login/abc/signin', signUpHref: '/login/abc/signup' });
 * ```
 */
export function renderSignInPage(options: {
  action: string;
  signUpHref: string;
  clientId?: string;
  username?: string;
  error?: string;
}): string {
  const { action, signUpHref, clientId, username = '', error } = options;
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="sub">${clientId ? `to <strong>${escapeHtml(clientId)}</strong>` : 'with your email and password'}</p>
${errorBlock(error)}
<form id="sign-in-form" method="post" action="${escapeHtml(action)}" novalidate>
<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username" required autofocus value="${escapeHtml(username)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="alt">Need an account? <a href="${escapeHtml(signUpHref)}">Sign up</a></p>`,
  );
}

/**
 * The hosted sign-up page.
 *
 * @example
 * ```ts
 * ctx.body = renderSignUpPage({ action: '/login/abc/signup', signInHref: '/login/abc/signin' });
 * ```
 */
export function renderSignUpPage(options: {
  action: string;
  signInHref: string;
  clientId?: string;
  email?: string;
  name?: string;
  error?: string;
}): string {
  const { action, signInHref, clientId, email = '', name = '', error } = options;
  return layout(
    'Sign up',
    `<h1>Sign up</h1>
<p class="sub">${clientId ? `Create an account for <strong>${escapeHtml(clientId)}</strong>` : 'Create an account'}</p>
${errorBlock(error)}
<form id="sign-up-form" method="post" action="${escapeHtml(action)}" novalidate>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(email)}">
<label for="name">Name</label>
<input id="name" name="name" type="text" autocomplete="name" required value="${escapeHtml(name)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least 8 characters.</p>
<button type="submit">Sign up</button>
</form>
<p class="alt">Already have an account? <a href="${escapeHtml(signInHref)}">Sign in</a></p>`,
  );
}

/**
 * The second-factor page of a step-up sign-in (`acr_values=mfa`): a 6-digit
 * one-time code. A real IdP would send it or an authenticator app would show
 * it; the development IdP shows it right here (and at
 * `GET /dev/users/<username>/second-factor-code`).
 *
 * @example
 * ```ts
 * ctx.body = renderSecondFactorPage({ action: '/login/abc/second-factor', username: 'alice@example.com', code: '123456' });
 * ```
 */
export function renderSecondFactorPage(options: { action: string; username: string; code: string; error?: string }): string {
  const { action, username, code, error } = options;
  return layout(
    'Verify it is you',
    `<h1>Verify it is you</h1>
<p class="sub">This page asks for a second factor for <strong>${escapeHtml(username)}</strong>.</p>
${errorBlock(error)}
<p class="hint">Development IdP: your one-time code is <strong data-testid="second-factor-code">${escapeHtml(code)}</strong> (a real provider would send it or your authenticator app would show it).</p>
<form id="second-factor-form" method="post" action="${escapeHtml(action)}" novalidate>
<label for="code">One-time code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
<button type="submit">Verify</button>
</form>`,
  );
}

/**
 * A plain message page (errors, signed out).
 *
 * @example
 * ```ts
 * ctx.body = renderMessagePage('Signed out', 'You have been signed out.');
 * ```
 */
export function renderMessagePage(title: string, message: string, trustedHtml = ''): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p class="sub">${escapeHtml(message)}</p>${trustedHtml}`);
}
