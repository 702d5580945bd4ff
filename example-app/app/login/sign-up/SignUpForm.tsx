'use client';
import { useActionState } from 'react';
import { signUpAction } from '../actions';
import { FormError } from '../FormError';
import type { FormState } from '../messages';

/** Email + password → cognito.signUp; then the confirmation-code form. */
export function SignUpForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(signUpAction, {});
  return (
    <form action={action} className="auth-form" aria-busy={pending}>
      <label>
        Email
        <input name="username" type="email" autoComplete="username" required defaultValue={state.username} data-testid="signup-username" />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="new-password" required minLength={8} data-testid="signup-password" />
      </label>
      <button type="submit" className="button" disabled={pending} data-testid="signup-submit">
        {pending ? 'Creating your account…' : 'Create account'}
      </button>
      <FormError state={state} testId="signup-error" />
    </form>
  );
}
