import { CognitoError } from './CognitoError.js';
import type { CognitoUserPoolState } from './CognitoUserPoolState.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { hashPassword, verifyPassword } from './password.js';
import { registerSrpVerifier } from './srpVerifiers.js';
import { userForAccessToken } from './userInfoRoute.js';

type Json = Record<string, unknown>;

const MIN_PASSWORD_LENGTH = 8;

function str(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  return value;
}

/**
 * `ChangePassword` (Amplify's `updatePassword`): a live access token of the
 * user and the current password, checked like a sign-in (a wrong one counts
 * towards the same five-failure lockout, so a stolen access token is no
 * password oracle); then the new password works for every flow, SRP included,
 * and the old one no longer does. Tokens already issued stay valid, as in
 * Cognito.
 *
 * @example
 * ```ts
 * await changePassword(idp, state, { AccessToken, PreviousPassword: 'old-password', ProposedPassword: 'new-password' });
 * ```
 */
export async function changePassword(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  const token = str(body, 'AccessToken');
  const previous = str(body, 'PreviousPassword');
  const proposed = str(body, 'ProposedPassword');
  const user = await userForAccessToken(token, idp);
  if (!user) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
  if (state.isLocked(user.username)) throw new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  if (!(await verifyPassword(previous, user.passwordHash))) {
    state.fail(user.username);
    throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
  }
  state.succeed(user.username);
  if (proposed.length < MIN_PASSWORD_LENGTH) {
    throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: Password not long enough (at least ${MIN_PASSWORD_LENGTH} characters)`);
  }
  user.passwordHash = await hashPassword(proposed);
  // The new password's SRP verifier (the old one is keyed by the old hash and is never found again).
  registerSrpVerifier(user.passwordHash, user.username, proposed);
  return {};
}
