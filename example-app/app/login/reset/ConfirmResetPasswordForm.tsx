'use client';
import { useActionState } from 'react';
import { confirmResetPasswordAction } from '../actions';
import { FormError } from '../FormError';
import type { FormState } from '../messages';

/** Step 2: the code + a new password → cognito.confirmResetPassword; then sign in. */
export function ConfirmResetPasswordForm({ username }: { username?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(confirmResetPasswordAction, username ? { username } : {});
  return (
    <form action={action} className="auth-form" aria-busy={pending}>
      <label>
        Email
        <input name="username" type="email" autoComplete="username" required defaultValue={state.username} data-testid="reset-username" />
      </label>
      <label>
        Code
        <input name="code" inputMode="numeric" autoComplete="one-time-code" required data-testid="reset-code" />
      </label>
      <label>
        New password
        <input name="newPassword" type="password" autoComplete="new-password" required minLength={8} data-testid="reset-new-password" />
      </label>
      <button type="submit" className="button" disabled={pending} data-testid="reset-confirm-submit">
        {pending ? 'Saving…' : 'Set new password'}
      </button>
      <FormError state={state} testId="reset-error" />
    </form>
  );
}
