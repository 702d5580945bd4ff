import { createHmac, timingSafeEqual } from 'node:crypto';

import { CognitoError } from './CognitoError.js';
import type { DevIdpAuthFlow, DevIdpClient } from './types.js';

/** Every flow the JSON API implements: what a client allows when it names none. */
export const ALL_AUTH_FLOWS: readonly DevIdpAuthFlow[] = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH'];

/**
 * Refuses an auth flow the app client does not allow, with Cognito's error
 * (InvalidParameterException "USER_PASSWORD_AUTH flow not enabled for this
 * client"), as a real app client without that `ALLOW_…` explicit auth flow does.
 *
 * @example
 * ```ts
 * assertAuthFlowAllowed(client, 'USER_PASSWORD_AUTH');
 * ```
 */
export function assertAuthFlowAllowed(client: DevIdpClient, flow: DevIdpAuthFlow): void {
  if (!(client.authFlows ?? ALL_AUTH_FLOWS).includes(flow)) {
    throw new CognitoError('InvalidParameterException', `${flow} flow not enabled for this client`);
  }
}

/**
 * For an app client with a secret, checks SECRET_HASH =
 * base64(HMAC-SHA256(secret, username ‖ clientId)) as Cognito does, with its
 * errors (NotAuthorizedException). Clients without a secret ignore it.
 *
 * @example
 * ```ts
 * assertSecretHash(client, params.USERNAME, params.SECRET_HASH);
 * ```
 */
export function assertSecretHash(client: DevIdpClient, username: unknown, given: unknown): void {
  if (client.clientSecret === undefined) return;
  if (typeof given !== 'string' || given === '') {
    throw new CognitoError('NotAuthorizedException', `Client ${client.clientId} is configured for secret but secret was not received`);
  }
  const expected = createHmac('sha256', client.clientSecret)
    .update(`${typeof username === 'string' ? username : ''}${client.clientId}`, 'utf8')
    .digest();
  const actual = Buffer.from(given, 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new CognitoError('NotAuthorizedException', `Unable to verify secret hash for client ${client.clientId}`);
  }
}
