// The dev IdP's app clients as Cognito's: explicit auth flows (authFlows) and
// SECRET_HASH for clients with a secret, driven by the real AWS SDK client.
import { createHmac } from 'node:crypto';

import {
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSrpClient } from '../routes/cognito/createSrpClient.js';
import { DEV_IDP_USER_POOL_ID, startDevIdp } from './index.js';
import type { DevIdp, DevIdpClient } from './index.js';
import { REDIRECT_URI } from './__tests__/helpers.js';

const client = (clientId: string, extra: Partial<DevIdpClient> = {}): DevIdpClient => ({ clientId, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [], ...extra });
const SECRET = 'srp-confidential-secret-0123456789';
const POOL_NAME = DEV_IDP_USER_POOL_ID.split('_')[1]!;

let idp: DevIdp;
let sdk: CognitoIdentityProviderClient;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [
      client('all-flows'),
      client('srp-only', { authFlows: ['USER_SRP_AUTH'] }),
      client('password-only', { authFlows: ['USER_PASSWORD_AUTH'] }),
      client('secret-app', { clientSecret: SECRET }),
    ],
  });
  sdk = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: idp.issuer, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
});
afterAll(async () => {
  sdk?.destroy();
  await idp?.close();
});

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected a rejection');
}

const secretHash = (username: string, clientId = 'secret-app', secret = SECRET) => createHmac('sha256', secret).update(username + clientId).digest('base64');
const passwordAuth = (clientId: string, extra: Record<string, string> = {}) =>
  sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice@example.com', PASSWORD: 'alice-password', ...extra } }));

async function srpSignIn(clientId: string, hash: (userId: string) => Record<string, string> = () => ({})) {
  const srp = createSrpClient();
  const first = await sdk.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice@example.com', SRP_A: srp.srpA, ...hash('alice@example.com') } }),
  );
  const responses = srp.answer(first.ChallengeParameters, { poolName: POOL_NAME, password: 'alice-password' });
  return sdk.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: { ...responses, ...hash(responses.USERNAME) } }));
}

describe('dev IdP app clients: authFlows (explicit auth flows)', () => {
  it('a client without authFlows allows SRP, password and refresh', async () => {
    expect((await srpSignIn('all-flows')).AuthenticationResult?.IdToken).toEqual(expect.any(String));
    const { AuthenticationResult } = await passwordAuth('all-flows');
    const refreshed = await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: 'all-flows', RefreshToken: AuthenticationResult!.RefreshToken! }));
    expect(refreshed.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('an SRP-only client refuses USER_PASSWORD_AUTH as Cognito does (400 InvalidParameterException), signs in by SRP, and refuses refresh it does not allow', async () => {
    expect(await rejection(passwordAuth('srp-only'))).toEqual({ name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client', status: 400 });
    const { AuthenticationResult } = await srpSignIn('srp-only');
    expect(await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: 'srp-only', RefreshToken: AuthenticationResult!.RefreshToken! })))).toEqual({
      name: 'InvalidParameterException',
      message: 'REFRESH_TOKEN_AUTH flow not enabled for this client',
      status: 400,
    });
  });

  it('a password-only client refuses USER_SRP_AUTH before issuing any challenge', async () => {
    expect(await rejection(srpSignIn('password-only'))).toEqual({ name: 'InvalidParameterException', message: 'USER_SRP_AUTH flow not enabled for this client', status: 400 });
  });

  it('startDevIdp rejects an unknown flow in authFlows, naming the client', async () => {
    await expect(startDevIdp({ port: 0, quiet: true, clients: [client('x', { authFlows: ['CUSTOM_AUTH' as never] })] })).rejects.toThrow(/clients\[0\]\.authFlows must list some of USER_SRP_AUTH/);
  });
});

describe('dev IdP app clients: SECRET_HASH for a client with a secret', () => {
  it('SRP and password sign-in need SECRET_HASH (RespondToAuthChallenge: of USER_ID_FOR_SRP)', async () => {
    expect((await srpSignIn('secret-app', (userId) => ({ SECRET_HASH: secretHash(userId) }))).AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect((await passwordAuth('secret-app', { SECRET_HASH: secretHash('alice@example.com') })).AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('a missing SECRET_HASH and one made with another secret are refused with Cognito\'s NotAuthorizedException', async () => {
    expect(await rejection(passwordAuth('secret-app'))).toEqual({ name: 'NotAuthorizedException', message: 'Client secret-app is configured for secret but secret was not received', status: 400 });
    expect(await rejection(passwordAuth('secret-app', { SECRET_HASH: secretHash('alice@example.com', 'secret-app', 'guessed-secret') }))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Unable to verify secret hash for client secret-app',
      status: 400,
    });
    // InitiateAuth with the right hash, the answer without one: refused too.
    let calls = 0;
    const firstOnly = (userId: string): Record<string, string> => (calls++ === 0 ? { SECRET_HASH: secretHash(userId) } : {});
    expect((await rejection(srpSignIn('secret-app', firstOnly))).message).toBe('Client secret-app is configured for secret but secret was not received');
    expect(calls).toBe(2);
  });
});
