import type { AuthErrorCode } from 'next-server-auth';

/** What a form's server action hands back to it (useActionState): an error code, never its message. */
export interface FormState {
  error?: AuthErrorCode;
  /** What the user typed (never a password or code), so the form keeps it after an error. */
  username?: string;
}

// One clear sentence per AuthError code the cognito.* actions throw. The
// error's own message is for logs, not for users.
const MESSAGES: Partial<Record<AuthErrorCode, string>> = {
  InvalidCredentials: 'Wrong email or password.',
  UserNotConfirmed: 'Your account is not confirmed yet: enter the code we sent you.',
  UsernameExists: 'An account with this email already exists. Sign in, or reset your password.',
  CodeMismatch: 'That code is not right. Check it and try again.',
  CodeExpired: 'That code has expired or was already used. Ask for a new one.',
  InvalidPassword: 'That password does not meet the password rules: choose a longer one (at least 8 characters).',
  PasswordResetRequired: 'You need to reset your password before you can sign in.',
  TooManyRequests: 'Too many attempts. Wait a minute, then try again.',
  InvalidParameter: 'Fill in every field.',
  ChallengeRequired: 'Your account needs an extra sign-in step this form does not support: use the hosted sign-in page.',
  IdpUnavailable: 'Sign-in is unavailable right now. Try again in a moment.',
};

/** The message a form shows for an error code. */
export function messageFor(code: AuthErrorCode): string {
  return MESSAGES[code] ?? 'Something went wrong. Try again, or use the hosted sign-in page.';
}
