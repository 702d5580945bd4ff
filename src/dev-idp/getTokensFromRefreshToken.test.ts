// GetTokensFromRefreshToken: how Amplify v6's browser library refreshes
// (refreshAuthTokens), driven by the real AWS SDK client over loopback.
import { CognitoIdentityProviderClient, GetTokensFromRefreshTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInWithPassword, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { alice, CLIENT_ID, REDIRECT_URI } from './__tests__/helpers.js';

const CONFIDENTIAL = { clientId: 'confidential-app', clientSecret: 'confidential-secret-0123456789', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] };

let idp: DevIdp;
let sdk: CognitoIdentityProviderClient;

beforeAll(async () => {
  // Refresh-token rotation on (the dev IdP's default), as in Cognito app clients that enable it.
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }, CONFIDENTIAL],
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

describe('Cognito JSON API: GetTokensFromRefreshToken (Amplify v6 refreshes with it)', () => {
  it('returns new ID and access tokens of the same user and the rotated refresh token, which works in turn; the IdP counts the refresh', async () => {
    const tokens = await signInWithPassword(alice(idp.issuer));
    idp.resetStats();
    const out = await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.refreshToken! }));
    const result = out.AuthenticationResult!;
    expect(result).toEqual({ AccessToken: expect.any(String), IdToken: expect.any(String), RefreshToken: expect.any(String), ExpiresIn: 3600, TokenType: 'Bearer' });
    expect(result.AccessToken).not.toBe(tokens.accessToken);
    expect(result.RefreshToken).not.toBe(tokens.refreshToken);
    expect(decodeJwt(result.AccessToken!).sub).toBe(decodeJwt(tokens.accessToken).sub);
    expect(decodeJwt(result.IdToken!)).toMatchObject({ token_use: 'id', email: 'alice@example.com' });
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);

    const again = await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: result.RefreshToken! }));
    expect(again.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('a garbage refresh token is a 400 NotAuthorizedException (Amplify then clears its tokens)', async () => {
    expect(await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: 'not-a-refresh-token' })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
      status: 400,
    });
  });

  it('an unknown client is a ResourceNotFoundException, a missing refresh token an InvalidParameterException', async () => {
    expect(await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: 'nobody', RefreshToken: 'x' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: '' })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Missing required parameter RefreshToken',
    });
  });

  it("a stolen refresh token of a confidential client is refused without the client's secret", async () => {
    const tokens = await signInWithPassword(alice(idp.issuer, { clientId: CONFIDENTIAL.clientId, clientSecret: CONFIDENTIAL.clientSecret }));
    const stolen = tokens.refreshToken!;
    expect(await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CONFIDENTIAL.clientId, RefreshToken: stolen })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Client authentication failed.',
      status: 400,
    });
    expect(
      await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CONFIDENTIAL.clientId, ClientSecret: 'wrong', RefreshToken: stolen }))),
    ).toMatchObject({ name: 'NotAuthorizedException' });
    // With the secret it works (the refused attempts did not spend the token).
    const out = await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CONFIDENTIAL.clientId, ClientSecret: CONFIDENTIAL.clientSecret, RefreshToken: stolen }));
    expect(out.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });
});
