import { CognitoError } from './CognitoError.js';
import type { CognitoUserPoolState } from './CognitoUserPoolState.js';
import type { DevIdpContext } from './DevIdpContext.js';

type Json = Record<string, unknown>;

function str(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  return value;
}

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

/**
 * `ResendConfirmationCode` (Amplify's `resendSignUpCode`): a new 6-digit code
 * for a pending sign-up, replacing the old one (read it at
 * `GET /dev/users/<username>/confirmation-code`); `InvalidParameterException`
 * for a confirmed user, as Cognito; unknown users get the same answer as
 * pending ones (prevent user existence errors).
 *
 * @example
 * ```ts
 * await resendConfirmationCode(idp, state, { ClientId, Username: 'carol@example.com' });
 * ```
 */
export function resendConfirmationCode(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Json {
  const clientId = str(body, 'ClientId');
  if (!idp.clients.some((c) => c.clientId === clientId)) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
  const username = str(body, 'Username').trim();
  if (state.isLocked(username)) throw new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  const pending = state.pending(username);
  if (!pending && idp.users.has(username)) throw new CognitoError('InvalidParameterException', 'User is already confirmed.');
  const email = pending?.record.email ?? (username.includes('@') ? username : 'user@example.com');
  if (pending) {
    state.addPending(pending.record);
    // The code is a secret: say where to read it, never print it.
    console.log(`dev IdP: confirmation code for ${pending.record.username} issued again (GET /dev/users/${encodeURIComponent(pending.record.username)}/confirmation-code)`);
  }
  return { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
}
