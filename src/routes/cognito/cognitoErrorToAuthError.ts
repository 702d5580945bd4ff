import { AuthError } from '../../errors/AuthError.js';
import type { AuthErrorCode } from '../../errors/AuthError.js';

/** Which `cognito.*` action failed: a few Cognito errors mean different things per action. */
export type CognitoAction = 'signIn' | 'signUp' | 'confirmSignUp' | 'resetPassword' | 'confirmResetPassword';

// "Unable to verify secret hash for client …", "Client … is configured for secret but secret was not received".
const CLIENT_SECRET_PROBLEM = /secret hash|SECRET_HASH|configured (for|with) secret/i;

const BY_NAME: Record<string, AuthErrorCode> = {
  UserNotConfirmedException: 'UserNotConfirmed',
  UsernameExistsException: 'UsernameExists',
  AliasExistsException: 'UsernameExists',
  CodeMismatchException: 'CodeMismatch',
  ExpiredCodeException: 'CodeExpired',
  InvalidPasswordException: 'InvalidPassword',
  PasswordResetRequiredException: 'PasswordResetRequired',
  TooManyRequestsException: 'TooManyRequests',
  TooManyFailedAttemptsException: 'TooManyRequests',
  LimitExceededException: 'TooManyRequests',
  CodeDeliveryFailureException: 'IdpUnavailable',
  InternalErrorException: 'IdpUnavailable',
  InvalidParameterException: 'InvalidParameter',
  ResourceNotFoundException: 'InvalidConfig',
  InvalidUserPoolConfigurationException: 'InvalidConfig',
  InvalidLambdaResponseException: 'InvalidConfig',
  UnexpectedLambdaException: 'InvalidConfig',
  UserLambdaValidationException: 'InvalidConfig',
  UnknownOperationException: 'InvalidConfig',
};

function codeFor(name: string, message: string, action: CognitoAction): AuthErrorCode | undefined {
  if (name === 'UserNotFoundException') {
    // Never tell which usernames exist: a missing user fails like a wrong secret.
    return action === 'signIn' ? 'InvalidCredentials' : 'CodeMismatch';
  }
  // The app client does not allow the auth flow (runtimeOptions.cognito.authFlow):
  // "USER_PASSWORD_AUTH flow not enabled for this client", "USER_SRP_AUTH is not enabled for the client."
  if (name === 'InvalidParameterException' && /\bnot enabled for (this|the) client\b/i.test(message)) return 'InvalidConfig';
  if (name === 'NotAuthorizedException') {
    // Cognito's lockout is a NotAuthorizedException with this message.
    if (/attempts exceeded/i.test(message)) return 'TooManyRequests';
    // A wrong or missing client secret ("Unable to verify secret hash for client …",
    // "Client … is configured with secret but SECRET_HASH was not received"): the app's config, not the user.
    if (CLIENT_SECRET_PROBLEM.test(message)) return 'InvalidConfig';
    if (action === 'signIn') return 'InvalidCredentials';
    // "User cannot be confirmed. Current status is CONFIRMED": the code was used.
    if (action === 'confirmSignUp') return 'CodeExpired';
    return 'InvalidConfig';
  }
  return BY_NAME[name];
}

// Fixed texts only: never the pool's message, which may quote the request.
function hintFor(name: string, message: string): string {
  if (name === 'InvalidParameterException') return ' (the app client does not allow this auth flow: allow it, or change runtimeOptions.cognito.authFlow)';
  if (name === 'NotAuthorizedException' && CLIENT_SECRET_PROBLEM.test(message)) return ' (the client secret is wrong or missing)';
  return '';
}

/**
 * Turns whatever the AWS SDK threw into an {@link AuthError} with a code a
 * form can switch on. The message names only the Cognito error type: no
 * username, password, code or token ever goes into it, and the SDK error is
 * not kept as `cause` (its `$response` would carry the request).
 * Unreachable pool, timeouts, 5xx and unknown errors → `IdpUnavailable`.
 *
 * @example
 * ```ts
 * try { await client.send(command); } catch (error) { throw cognitoErrorToAuthError(error, 'signIn'); }
 * ```
 */
export function cognitoErrorToAuthError(error: unknown, action: CognitoAction): AuthError {
  if (error instanceof AuthError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const known = status !== undefined && status < 500 ? codeFor(name, message, action) : undefined;
  if (known !== undefined) return new AuthError(known, `Cognito ${action} failed: ${name}${known === 'InvalidConfig' ? hintFor(name, message) : ''}`);
  if (status === 429) return new AuthError('TooManyRequests', `Cognito ${action} failed: throttled (${name})`);
  // Connection refused/reset, DNS, timeouts (no HTTP status), 5xx, or an answer we cannot place.
  const what = status === undefined ? 'the user pool could not be reached' : `the user pool answered ${status} ${name}`;
  return new AuthError('IdpUnavailable', `Cognito ${action} failed: ${what}`);
}
