// ChangePassword and ResendConfirmationCode (Amplify's updatePassword and
// resendSignUpCode), driven by the real AWS SDK client over loopback.
import {
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { CLIENT_ID } from './__tests__/helpers.js';

let idp: DevIdp;
let sdk: CognitoIdentityProviderClient;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    users: [
      { username: 'alice@example.com', password: 'alice-password' },
      { username: 'bob@example.com', password: 'bob-password' },
      { username: 'dave@example.com', password: 'dave-password' },
      { username: 'erin@example.com', password: 'erin-password' },
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

function passwordAuth(username: string, password: string) {
  return sdk.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
}

async function accessTokenOf(username: string, password: string): Promise<string> {
  return (await passwordAuth(username, password)).AuthenticationResult!.AccessToken!;
}

async function confirmationCode(username: string): Promise<string> {
  return ((await (await fetch(`${idp.issuer}/dev/users/${encodeURIComponent(username)}/confirmation-code`)).json()) as { code: string }).code;
}

describe('Cognito JSON API: ChangePassword', () => {
  it('with the current password: the new one signs in, the old one no longer does', async () => {
    const AccessToken = await accessTokenOf('alice@example.com', 'alice-password');
    await sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'alice-password', ProposedPassword: 'alice-new-password' }));
    expect(await rejection(passwordAuth('alice@example.com', 'alice-password'))).toMatchObject({ name: 'NotAuthorizedException' });
    expect((await passwordAuth('alice@example.com', 'alice-new-password')).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('a stolen access token without the current password changes nothing, and guessing it locks the user out', async () => {
    const AccessToken = await accessTokenOf('bob@example.com', 'bob-password');
    for (let i = 0; i < 5; i++) {
      expect(await rejection(sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: `guess-${i}-password`, ProposedPassword: 'taken-over-1' })))).toEqual({
        name: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
        status: 400,
      });
    }
    // Locked like a sign-in after five failures: even the right password is refused for a while.
    expect(await rejection(sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'bob-password', ProposedPassword: 'taken-over-1' })))).toMatchObject({
      name: 'LimitExceededException',
    });
    expect(await rejection(passwordAuth('bob@example.com', 'taken-over-1'))).toMatchObject({ name: expect.stringMatching(/NotAuthorizedException|TooManyRequestsException/) });
  });

  it('a revoked access token (after GlobalSignOut) cannot change the password', async () => {
    const AccessToken = await accessTokenOf('dave@example.com', 'dave-password');
    await sdk.send(new GlobalSignOutCommand({ AccessToken }));
    expect(await rejection(sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'dave-password', ProposedPassword: 'dave-new-password' })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid Access Token',
      status: 400,
    });
    expect((await passwordAuth('dave@example.com', 'dave-password')).AuthenticationResult).toBeDefined();
  });

  it('a new password below the policy is an InvalidPasswordException and the old password keeps working', async () => {
    const AccessToken = await accessTokenOf('erin@example.com', 'erin-password');
    expect(await rejection(sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'erin-password', ProposedPassword: 'short' })))).toMatchObject({
      name: 'InvalidPasswordException',
      status: 400,
    });
    expect((await passwordAuth('erin@example.com', 'erin-password')).AuthenticationResult).toBeDefined();
  });
});

describe('Cognito JSON API: ResendConfirmationCode', () => {
  it('issues a new code for a pending sign-up; the old code no longer confirms, the new one does', async () => {
    const Username = 'frank@example.com';
    await sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username, Password: 'frank-password', UserAttributes: [{ Name: 'email', Value: Username }] }));
    const first = await confirmationCode(Username);
    let second = first;
    // A fresh random code; 1 in a million it repeats, so ask again then.
    while (second === first) {
      const out = await sdk.send(new ResendConfirmationCodeCommand({ ClientId: CLIENT_ID, Username }));
      expect(out.CodeDeliveryDetails).toEqual({ Destination: 'f***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      second = await confirmationCode(Username);
    }
    expect(await rejection(sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username, ConfirmationCode: first })))).toMatchObject({ name: 'CodeMismatchException' });
    await sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username, ConfirmationCode: second }));
    expect((await passwordAuth(Username, 'frank-password')).AuthenticationResult).toBeDefined();
  });

  it('a confirmed user is an InvalidParameterException; an unknown user gets the answer a pending one gets (no user existence leak)', async () => {
    expect(await rejection(sdk.send(new ResendConfirmationCodeCommand({ ClientId: CLIENT_ID, Username: 'erin@example.com' })))).toEqual({
      name: 'InvalidParameterException',
      message: 'User is already confirmed.',
      status: 400,
    });
    const unknown = await sdk.send(new ResendConfirmationCodeCommand({ ClientId: CLIENT_ID, Username: 'nobody@example.com' }));
    expect(unknown.CodeDeliveryDetails).toEqual({ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect((await fetch(`${idp.issuer}/dev/users/nobody%40example.com/confirmation-code`)).status).toBe(404);
  });
});
