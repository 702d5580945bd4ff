'use client';
import { useActionState } from 'react';
import { signInAction } from './actions';
import { FormError } from './FormError';
import type { FormState } from './messages';

/** Email + password → cognito.signIn in a server action; the session cookie is set by the server. */
export function SignInForm({ returnTo, username }: { returnTo?: string; username?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signInAction, username ? { username } : {});
  return (
    <form action={action} className="auth-form" aria-busy={pending}>
      {/* Checked by the action (safeReturnPath): only a same-origin path is followed. */}
      {returnTo ? <input type="hidden" name="returnTo" value={returnTo} /> : null}
      <label>
        Email
        <input name="username" type="email" autoComplete="username" required defaultValue={state.username} data-testid="login-username" />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
      </label>
      <button type="submit" className="button" disabled={pending} data-testid="login-submit">
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      <FormError state={state} testId="login-error" />
    </form>
  );
}
