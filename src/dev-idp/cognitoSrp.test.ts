// Cognito SRP sign-in (USER_SRP_AUTH + PASSWORD_VERIFIER) on the dev IdP, driven by the real AWS
// SDK client over loopback. The client side of SRP is written here independently, following the
// algorithm Amplify's browser library publishes (3072-bit group, Java-style padded hex, HKDF
// "Caldera Derived Key", HMAC over pool name ‖ user id ‖ secret block ‖ timestamp).
import { createHash, createHmac, randomBytes } from 'node:crypto';

import {
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient, InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CognitoUserPoolState } from './CognitoUserPoolState.js';
import { initiateSrpAuth, parseSrpTimestamp, respondToPasswordVerifier } from './cognitoSrp.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { DEV_IDP_USER_POOL_ID, hashPassword, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { toUserRecord } from './userRecord.js';
import { UserStore } from './UserStore.js';
import { cognitoSdk, rejection } from './__tests__/cognitoSdk.js';
import { CLIENT_ID, devIdpVerifier } from './__tests__/helpers.js';

// ---- client side, as Amplify computes it --------------------------------------------------------
const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const g = 2n;
const POOL_NAME = DEV_IDP_USER_POOL_ID.split('_')[1]!;

function pad(n: bigint): string {
  const hex = n.toString(16);
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return '89abcdef'.includes(even[0]!) ? `00${even}` : even;
}
const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hexHash = (hex: string): bigint => BigInt(`0x${sha(Buffer.from(hex, 'hex'))}`);
function powMod(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = ((base % mod) + mod) % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % mod;
    b = (b * b) % mod;
  }
  return r;
}
const k = hexHash(pad(N) + pad(g));

/** Amplify's getNowString: "EEE MMM d HH:mm:ss UTC yyyy", day not padded. */
function nowString(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()];
  return `${day} ${month} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

interface ClientSrp {
  a: bigint;
  A: bigint;
}
function newClientSrp(): ClientSrp {
  const a = BigInt(`0x${randomBytes(128).toString('hex')}`);
  return { a, A: powMod(g, a, N) };
}

function claimSignature(srp: ClientSrp, params: Record<string, string>, password: string, timestamp: string): string {
  const B = BigInt(`0x${params.SRP_B}`);
  const salt = BigInt(`0x${params.SALT}`);
  const userId = params.USER_ID_FOR_SRP!;
  const u = hexHash(pad(srp.A) + pad(B));
  const x = hexHash(pad(salt) + sha(`${POOL_NAME}${userId}:${password}`));
  const S = powMod(B - k * powMod(g, x, N), srp.a + u * x, N);
  const prk = createHmac('sha256', Buffer.from(pad(u), 'hex')).update(Buffer.from(pad(S), 'hex')).digest();
  const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest().subarray(0, 16);
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(POOL_NAME), Buffer.from(userId), Buffer.from(params.SECRET_BLOCK!, 'base64'), Buffer.from(timestamp)]))
    .digest('base64');
}

// ---- the dev IdP ----------------------------------------------------------------------------------
let idp: DevIdp;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true, rotateRefreshToken: false });
  cognito = cognitoSdk(idp.issuer);
});
afterAll(async () => {
  cognito.destroy();
  await idp.close();
});

async function startSrp(username: string, srp = newClientSrp()): Promise<{ srp: ClientSrp; out: InitiateAuthCommandOutput; params: Record<string, string> }> {
  const out = await cognito.send(
    new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: srp.A.toString(16) } }),
  );
  return { srp, out, params: out.ChallengeParameters ?? {} };
}

function respond(params: Record<string, string>, signature: string, timestamp: string, clientId = CLIENT_ID) {
  return cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: {
        USERNAME: params.USER_ID_FOR_SRP!,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK!,
        PASSWORD_CLAIM_SIGNATURE: signature,
        TIMESTAMP: timestamp,
      },
    }),
  );
}

async function srpSignIn(username: string, password: string) {
  const { srp, params } = await startSrp(username);
  const timestamp = nowString();
  return respond(params, claimSignature(srp, params, password, timestamp), timestamp);
}

const BAD = { name: 'NotAuthorizedException', message: 'Incorrect username or password.', status: 400 };

describe('Cognito SRP sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER) with the real AWS SDK client', () => {
  it('InitiateAuth answers the PASSWORD_VERIFIER challenge with the parameters Amplify reads', async () => {
    const { out, params } = await startSrp('alice@example.com');
    expect(out.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(params).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    expect(params.USER_ID_FOR_SRP).toBe('alice@example.com');
    expect(params.SRP_B).toMatch(/^[0-9a-f]+$/);
    expect(params.SALT).toMatch(/^[0-9a-f]+$/);
    expect(Buffer.from(params.SECRET_BLOCK!, 'base64').length).toBe(64);
  });

  it('the right password signs in with ID, access and refresh tokens that verify like hosted-UI tokens', async () => {
    const out = await srpSignIn('alice@example.com', 'alice-password');
    const result = out.AuthenticationResult!;
    const verifier = devIdpVerifier(idp.issuer, CLIENT_ID, 5);
    const id = await verifier.verifyIdToken(result.IdToken!);
    expect(id.payload).toMatchObject({ 'cognito:username': 'alice@example.com', email: 'alice@example.com', token_use: 'id', iss: idp.issuer });
    const access = await verifier.verifyAccessToken(result.AccessToken!);
    expect(access.payload).toMatchObject({ username: 'alice@example.com', client_id: CLIENT_ID, token_use: 'access' });
    expect(result.TokenType).toBe('Bearer');
    // The refresh token is a real grant: REFRESH_TOKEN_AUTH takes it.
    const refreshed = await cognito.send(
      new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: result.RefreshToken! } }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('a username typed in another case signs in as the stored user (USER_ID_FOR_SRP is the stored name)', async () => {
    const { srp, params } = await startSrp('BOB@Example.com');
    expect(params.USER_ID_FOR_SRP).toBe('bob@example.com');
    const timestamp = nowString();
    const out = await respond(params, claimSignature(srp, params, 'bob-password', timestamp), timestamp);
    expect(out.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('a wrong password is a NotAuthorizedException', async () => {
    expect(await rejection(srpSignIn('bob@example.com', 'not-bobs-password'))).toEqual(BAD);
  });

  it('an unknown user gets a decoy challenge (stable salt) and then the same NotAuthorizedException', async () => {
    const first = await startSrp('nobody@example.com');
    const second = await startSrp('nobody@example.com');
    expect(first.out.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(second.params.SALT).toBe(first.params.SALT);
    expect(Object.keys(first.params).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    const timestamp = nowString();
    expect(await rejection(respond(first.params, claimSignature(first.srp, first.params, 'whatever-password', timestamp), timestamp))).toEqual(BAD);
  });

  it('a tampered password claim signature is refused, and the secret block is spent', async () => {
    const { srp, params } = await startSrp('alice@example.com');
    const timestamp = nowString();
    const good = claimSignature(srp, params, 'alice-password', timestamp);
    const bytes = Buffer.from(good, 'base64');
    bytes[0]! ^= 1;
    expect(await rejection(respond(params, bytes.toString('base64'), timestamp))).toEqual(BAD);
    expect(await rejection(respond(params, good, timestamp))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
      status: 400,
    });
  });

  it('a replayed secret block with its valid signature is refused (each challenge answers once)', async () => {
    const { srp, params } = await startSrp('alice@example.com');
    const timestamp = nowString();
    const signature = claimSignature(srp, params, 'alice-password', timestamp);
    expect((await respond(params, signature, timestamp)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(await rejection(respond(params, signature, timestamp))).toMatchObject({ name: 'NotAuthorizedException', status: 400 });
  });

  it('a made-up secret block is refused', async () => {
    const { srp, params } = await startSrp('alice@example.com');
    const forged = { ...params, SECRET_BLOCK: randomBytes(64).toString('base64') };
    const timestamp = nowString();
    expect(await rejection(respond(forged, claimSignature(srp, forged, 'alice-password', timestamp), timestamp))).toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('a secret block issued to one app client is refused from another', async () => {
    const other = await startDevIdp({
      port: 0,
      quiet: true,
      clients: [
        { clientId: 'app-one', redirectUris: ['http://localhost:3000/cb'], postLogoutRedirectUris: [] },
        { clientId: 'app-two', redirectUris: ['http://localhost:3001/cb'], postLogoutRedirectUris: [] },
      ],
    });
    const sdk = cognitoSdk(other.issuer);
    try {
      const srp = newClientSrp();
      const out = await sdk.send(
        new InitiateAuthCommand({ ClientId: 'app-one', AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice@example.com', SRP_A: srp.A.toString(16) } }),
      );
      const params = out.ChallengeParameters!;
      const timestamp = nowString();
      const err = await rejection(
        sdk.send(
          new RespondToAuthChallengeCommand({
            ClientId: 'app-two',
            ChallengeName: 'PASSWORD_VERIFIER',
            ChallengeResponses: {
              USERNAME: params.USER_ID_FOR_SRP!,
              PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK!,
              PASSWORD_CLAIM_SIGNATURE: claimSignature(srp, params, 'alice-password', timestamp),
              TIMESTAMP: timestamp,
            },
          }),
        ),
      );
      expect(err).toMatchObject({ name: 'NotAuthorizedException', status: 400 });
    } finally {
      sdk.destroy();
      await other.close();
    }
  });

  it.each([
    ['zero-padded day', (d: Date) => nowString(d).replace(/^(\w{3} \w{3}) (\d) /, '$1 0$2 ')],
    ['ISO 8601', (d: Date) => d.toISOString()],
    ['wrong weekday', (d: Date) => nowString(d).replace(/^\w{3}/, (w) => (w === 'Mon' ? 'Tue' : 'Mon'))],
    ['GMT instead of UTC', (d: Date) => nowString(d).replace(' UTC ', ' GMT ')],
  ])('a TIMESTAMP not in Cognito format (%s) is refused, even with a signature over it', async (_label, format) => {
    const { srp, params } = await startSrp('alice@example.com');
    const timestamp = format(new Date(Date.UTC(2026, 0, 5, 10, 20, 30)));
    expect(await rejection(respond(params, claimSignature(srp, params, 'alice-password', timestamp), timestamp))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
    });
  });

  it('a signature over a TIMESTAMP far from now (a pre-computed or stale claim) is refused', async () => {
    const { srp, params } = await startSrp('alice@example.com');
    const timestamp = nowString(new Date(Date.now() - 60 * 60_000));
    expect(await rejection(respond(params, claimSignature(srp, params, 'alice-password', timestamp), timestamp))).toEqual(BAD);
  });

  it.each([
    ['A = N', N],
    ['A = 2N', 2n * N],
    ['A = 0', 0n],
  ])('SRP_A ≡ 0 mod N (%s: the shared secret would be 0 whatever the password) is refused', async (_label, A) => {
    const err = await rejection(
      cognito.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice@example.com', SRP_A: A.toString(16) } })),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('SRP_A that is not hex is a 400 InvalidParameterException, never a 500', async () => {
    const err = await rejection(
      cognito.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice@example.com', SRP_A: 'zz-not-hex' } })),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('SRP password guessing shares the USER_PASSWORD_AUTH lockout: five failures lock both flows, even with the right password', async () => {
    await idp.addUser({ username: 'srp-guessed@example.com', password: 'srp-guessed-password' });
    for (let i = 0; i < 3; i++) expect(await rejection(srpSignIn('srp-guessed@example.com', `wrong-${i}`))).toEqual(BAD);
    for (let i = 0; i < 2; i++) {
      const err = await rejection(
        cognito.send(
          new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'srp-guessed@example.com', PASSWORD: `wrong-${i}` } }),
        ),
      );
      expect(err.name).toBe('NotAuthorizedException');
    }
    expect((await rejection(srpSignIn('srp-guessed@example.com', 'srp-guessed-password'))).name).toBe('TooManyRequestsException');
    const viaPassword = await rejection(
      cognito.send(
        new InitiateAuthCommand({
          ClientId: CLIENT_ID,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'srp-guessed@example.com', PASSWORD: 'srp-guessed-password' },
        }),
      ),
    );
    expect(viaPassword.name).toBe('TooManyRequestsException');
  });

  it('a user given only as a passwordHash has no SRP verifier: NotAuthorizedException (USER_PASSWORD_AUTH still works)', async () => {
    await idp.addUser({ username: 'hash-only@example.com', passwordHash: await hashPassword('hash-only-password') });
    expect(await rejection(srpSignIn('hash-only@example.com', 'hash-only-password'))).toEqual(BAD);
    const out = await cognito.send(
      new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'hash-only@example.com', PASSWORD: 'hash-only-password' } }),
    );
    expect(out.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('a JSON-API sign-up: UserNotConfirmedException before ConfirmSignUp (right password), SRP sign-in after it', async () => {
    await cognito.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: 'srp-new@example.com', Password: 'srp-new-password' }));
    expect((await rejection(srpSignIn('srp-new@example.com', 'srp-new-password'))).name).toBe('UserNotConfirmedException');
    const { code } = (await (await fetch(`${idp.issuer}/dev/users/${encodeURIComponent('srp-new@example.com')}/confirmation-code`)).json()) as { code: string };
    await cognito.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: 'srp-new@example.com', ConfirmationCode: code }));
    const out = await srpSignIn('srp-new@example.com', 'srp-new-password');
    expect(out.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('after ConfirmForgotPassword, SRP signs in with the new password and refuses the old one', async () => {
    await idp.addUser({ username: 'srp-reset@example.com', password: 'srp-old-password' });
    await cognito.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: 'srp-reset@example.com' }));
    const { code } = (await (await fetch(`${idp.issuer}/dev/users/${encodeURIComponent('srp-reset@example.com')}/password-reset-code`)).json()) as { code: string };
    await cognito.send(
      new ConfirmForgotPasswordCommand({ ClientId: CLIENT_ID, Username: 'srp-reset@example.com', ConfirmationCode: code, Password: 'srp-new-password' }),
    );
    expect(await rejection(srpSignIn('srp-reset@example.com', 'srp-old-password'))).toEqual(BAD);
    expect((await srpSignIn('srp-reset@example.com', 'srp-new-password')).AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('RespondToAuthChallenge with another ChallengeName is a 400 InvalidParameterException', async () => {
    const err = await rejection(
      cognito.send(new RespondToAuthChallengeCommand({ ClientId: CLIENT_ID, ChallengeName: 'SMS_MFA', ChallengeResponses: { USERNAME: 'alice@example.com' } })),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});

describe('SRP units (injected clock)', () => {
  it('an expired secret block (older than 3 minutes) is refused even with a valid signature', async () => {
    let now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const state = new CognitoUserPoolState(() => now);
    const users = new UserStore();
    users.add(await toUserRecord({ username: 'carol@example.com', password: 'carol-password' }));
    const idpLike = { users } as unknown as DevIdpContext;
    const client = { clientId: CLIENT_ID, redirectUris: ['http://localhost:3000/cb'], postLogoutRedirectUris: [] };
    const srp = newClientSrp();
    const out = initiateSrpAuth(idpLike, state, client, { USERNAME: 'carol@example.com', SRP_A: srp.A.toString(16) });
    const params = out.ChallengeParameters as Record<string, string>;
    now += 3 * 60_000 + 1000;
    const timestamp = nowString(new Date(now));
    const body = {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: {
        USERNAME: 'carol@example.com',
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: claimSignature(srp, params, 'carol-password', timestamp),
        TIMESTAMP: timestamp,
      },
    };
    await expect(respondToPasswordVerifier(idpLike, state, client, body)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('parseSrpTimestamp reads exactly Cognito\'s format', () => {
    expect(parseSrpTimestamp('Wed Dec 2 14:05:09 UTC 2026')).toBe(Date.UTC(2026, 11, 2, 14, 5, 9));
    expect(parseSrpTimestamp('Wed Dec 02 14:05:09 UTC 2026')).toBeUndefined();
    expect(parseSrpTimestamp('Thu Dec 2 14:05:09 UTC 2026')).toBeUndefined();
    expect(parseSrpTimestamp('Mon Feb 30 14:05:09 UTC 2026')).toBeUndefined();
    expect(parseSrpTimestamp('Wed Dec 2 14:05:09 UTC 2026 ')).toBeUndefined();
  });

  it('a sign-in ticket works once, for its user only', async () => {
    const users = new UserStore();
    users.add(await toUserRecord({ username: 'dave@example.com', password: 'dave-password' }));
    users.add(await toUserRecord({ username: 'erin@example.com', password: 'erin-password' }));
    const ticket = users.issueSignInTicket('dave@example.com');
    expect(await users.authenticate('erin@example.com', ticket)).toBeUndefined();
    const again = users.issueSignInTicket('dave@example.com');
    expect((await users.authenticate('dave@example.com', again))?.username).toBe('dave@example.com');
    expect(await users.authenticate('dave@example.com', again)).toBeUndefined();
  });
});
