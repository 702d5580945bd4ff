// The dev IdP's ForgotPassword / ConfirmForgotPassword, driven by the real AWS SDK client over loopback.
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { cognitoSdk } from './__tests__/cognitoSdk.js';
import { CLIENT_ID } from './__tests__/helpers.js';

let idp: DevIdp;
let cognito: CognitoIdentityProviderClient;

async function rejection(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected a rejection');
}

const forgot = (username: string) => cognito.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: username }));
const confirm = (username: string, code: string, password: string) =>
  cognito.send(new ConfirmForgotPasswordCommand({ ClientId: CLIENT_ID, Username: username, ConfirmationCode: code, Password: password }));
const passwordAuth = (username: string, password: string) =>
  cognito.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));

async function resetCode(username: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${idp.issuer}/dev/users/${encodeURIComponent(username)}/password-reset-code`);
  const body = (await response.json()) as { code?: string };
  return { status: response.status, ...(body.code ? { code: body.code } : {}) };
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    users: [
      { username: 'carol@example.com', password: 'carol-password', email: 'carol@example.com' },
      { username: 'dave@example.com', password: 'dave-password', email: 'dave@example.com' },
      { username: 'erin@example.com', password: 'erin-password', email: 'erin@example.com' },
      { username: 'frank@example.com', password: 'frank-password', email: 'frank@example.com' },
      { username: 'gina@example.com', password: 'gina-password', email: 'gina@example.com' },
      { username: 'hank@example.com', password: 'hank-password', email: 'hank@example.com' },
    ],
  });
  cognito = cognitoSdk(idp.issuer);
});
afterAll(async () => {
  cognito.destroy();
  await idp.close();
});

describe('Cognito JSON API: ForgotPassword / ConfirmForgotPassword', () => {
  it('a password reset code is a secret: the console says where to read it, never the code', async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
    try {
      await forgot('hank@example.com');
    } finally {
      spy.mockRestore();
    }
    const { code } = await resetCode('hank@example.com');
    expect(code).toMatch(/^\d{6}$/);
    expect(logged.join('\n')).toContain('/dev/users/hank%40example.com/password-reset-code');
    expect(logged.join('\n')).not.toContain(code!);
  });

  it('ForgotPassword sends a code (masked delivery, code at /dev/users/<u>/password-reset-code); the code sets the new password; the old one stops working', async () => {
    const out = await forgot('carol@example.com');
    expect(out.CodeDeliveryDetails).toEqual({ Destination: 'c***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const { status, code } = await resetCode('carol@example.com');
    expect(status).toBe(200);
    expect(code).toMatch(/^\d{6}$/);
    await confirm('carol@example.com', code!, 'carol-new-password');
    expect((await passwordAuth('carol@example.com', 'carol-new-password')).AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect(await rejection(passwordAuth('carol@example.com', 'carol-password'))).toEqual({ name: 'NotAuthorizedException', status: 400 });
    // Single use: the code is gone, and reusing it is an expired code.
    expect((await resetCode('carol@example.com')).status).toBe(404);
    expect(await rejection(confirm('carol@example.com', code!, 'carol-third-password'))).toEqual({ name: 'ExpiredCodeException', status: 400 });
  });

  it('a wrong code is CodeMismatchException and leaves the password and the code as they were', async () => {
    await forgot('dave@example.com');
    const { code } = await resetCode('dave@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await rejection(confirm('dave@example.com', wrong, 'dave-new-password'))).toEqual({ name: 'CodeMismatchException', status: 400 });
    expect((await passwordAuth('dave@example.com', 'dave-password')).AuthenticationResult).toBeDefined();
    expect((await resetCode('dave@example.com')).code).toBe(code);
  });

  it('a password below the policy is InvalidPasswordException and the code stays usable', async () => {
    await forgot('erin@example.com');
    const { code } = await resetCode('erin@example.com');
    expect(await rejection(confirm('erin@example.com', code!, 'short'))).toEqual({ name: 'InvalidPasswordException', status: 400 });
    await confirm('erin@example.com', code!, 'erin-new-password');
    expect((await passwordAuth('erin@example.com', 'erin-new-password')).AuthenticationResult).toBeDefined();
  });

  it('no code requested is ExpiredCodeException; a newer ForgotPassword replaces the older code', async () => {
    expect(await rejection(confirm('frank@example.com', '123456', 'frank-new-password'))).toEqual({ name: 'ExpiredCodeException', status: 400 });
    await forgot('frank@example.com');
    const first = (await resetCode('frank@example.com')).code!;
    await forgot('frank@example.com');
    const second = (await resetCode('frank@example.com')).code!;
    if (first !== second) {
      expect(await rejection(confirm('frank@example.com', first, 'frank-new-password'))).toEqual({ name: 'CodeMismatchException', status: 400 });
    }
    expect((await passwordAuth('frank@example.com', 'frank-password')).AuthenticationResult).toBeDefined();
  });

  it('user enumeration: an unknown user gets the same ForgotPassword answer and CodeMismatchException on confirm, and no code exists', async () => {
    const out = await forgot('nobody@example.com');
    expect(out.CodeDeliveryDetails).toEqual({ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect((await resetCode('nobody@example.com')).status).toBe(404);
    expect(await rejection(confirm('nobody@example.com', '123456', 'whatever-password'))).toEqual({ name: 'CodeMismatchException', status: 400 });
  });

  it('code guessing: five wrong codes lock the user out (LimitExceededException), even with the right code', async () => {
    await forgot('gina@example.com');
    const { code } = await resetCode('gina@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      expect((await rejection(confirm('gina@example.com', wrong, 'gina-new-password'))).name).toBe('CodeMismatchException');
    }
    expect(await rejection(confirm('gina@example.com', code!, 'gina-new-password'))).toEqual({ name: 'LimitExceededException', status: 400 });
  });
});
