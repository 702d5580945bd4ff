import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { CognitoError } from './CognitoError.js';
import type { CognitoUserPoolState } from './CognitoUserPoolState.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { signInWithPassword } from './signInWithPassword.js';
import { modPow, SRP_G, SRP_K, SRP_N, srpClaimSignature, srpPasswordKey, srpServerSecret, srpU } from '../srp/srpMath.js';
import { DEV_IDP_POOL_NAME, srpVerifierFor } from './srpVerifiers.js';
import type { DevIdpClient } from './types.js';
import { cognitoAuthResult } from './cognitoAuthResult.js';

type Json = Record<string, unknown>;

const BAD_CREDENTIALS = 'Incorrect username or password.';
const BAD_SESSION = 'Invalid session for the user, session is expired.';
// Cognito's authentication session lives 3 minutes by default.
const CHALLENGE_TTL_MS = 3 * 60_000;
// How far TIMESTAMP may be from the dev IdP's clock.
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_CHALLENGES = 10_000;
const HEX = /^[0-9a-fA-F]{1,1024}$/;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Cognito's "EEE MMM d HH:mm:ss UTC yyyy" (day of month not padded), as Amplify writes it.
const TIMESTAMP = new RegExp(`^(${DAYS.join('|')}) (${MONTHS.join('|')}) ([1-9]|[12]\\d|3[01]) ([01]\\d|2[0-3]):([0-5]\\d):([0-5]\\d) UTC (\\d{4})$`);

interface Challenge {
  clientId: string;
  /** USER_ID_FOR_SRP: the stored username, or the asked one for a decoy. */
  userId: string;
  A: bigint;
  B: bigint;
  b: bigint;
  verifier: bigint;
  /** False for a decoy challenge (unknown user, or no verifier): always refused. */
  real: boolean;
  expires: number;
}

// Pending challenges per dev IdP (its pool state), keyed by SECRET_BLOCK; each is used at most once.
const challengesOf = new WeakMap<CognitoUserPoolState, Map<string, Challenge>>();
// Per process: makes decoy salts stable per username, so asking twice tells nothing.
const decoyKey = randomBytes(32);

function challenges(state: CognitoUserPoolState): Map<string, Challenge> {
  let map = challengesOf.get(state);
  if (!map) {
    map = new Map();
    challengesOf.set(state, map);
  }
  return map;
}

function text(params: Json, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  return value;
}

function randomScalar(): bigint {
  return BigInt(`0x${randomBytes(32).toString('hex')}`);
}

/**
 * InitiateAuth with `AuthFlow: USER_SRP_AUTH`: answers Cognito's
 * PASSWORD_VERIFIER challenge (SALT, SECRET_BLOCK, SRP_B, USERNAME,
 * USER_ID_FOR_SRP). Unknown users, and users without an SRP verifier, get a
 * decoy challenge that no signature can answer, so existence is not revealed
 * here (as in a pool that prevents user existence errors).
 *
 * @example
 * ```ts
 * if (flow === 'USER_SRP_AUTH') return initiateSrpAuth(idp, state, client, params);
 * ```
 */
export function initiateSrpAuth(idp: DevIdpContext, state: CognitoUserPoolState, client: DevIdpClient, params: Json): Json {
  const username = text(params, 'USERNAME');
  const srpA = text(params, 'SRP_A');
  if (!HEX.test(srpA)) throw new CognitoError('InvalidParameterException', 'SRP_A must be a hexadecimal number');
  const A = BigInt(`0x${srpA}`);
  // A ≡ 0 (mod N) would make the shared secret 0 whatever the password.
  if (A % SRP_N === 0n) throw new CognitoError('InvalidParameterException', 'SRP_A is not valid');
  if (state.isLocked(username)) throw new CognitoError('TooManyRequestsException', 'Password attempts exceeded');

  const stored = idp.users.findByUsername(username) ?? state.pending(username)?.record;
  const srp = stored === undefined ? undefined : srpVerifierFor(stored.passwordHash, stored.username);
  const userId = srp?.username ?? username.trim();
  const salt = srp?.salt ?? BigInt(`0x${createHmac('sha256', decoyKey).update(userId.toLowerCase()).digest('hex').slice(0, 32)}`);
  const verifier = srp?.verifier ?? modPow(SRP_G, randomScalar(), SRP_N);

  let b = 0n;
  let B = 0n;
  while (B === 0n) {
    b = randomScalar();
    B = (SRP_K * verifier + modPow(SRP_G, b, SRP_N)) % SRP_N;
  }
  const secretBlock = randomBytes(64).toString('base64');
  const pending = challenges(state);
  const now = state.now();
  for (const [key, entry] of pending) if (entry.expires <= now) pending.delete(key);
  if (pending.size >= MAX_CHALLENGES) pending.delete(pending.keys().next().value ?? '');
  pending.set(secretBlock, { clientId: client.clientId, userId, A, B, b, verifier, real: srp !== undefined, expires: now + CHALLENGE_TTL_MS });

  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: salt.toString(16),
      SECRET_BLOCK: secretBlock,
      SRP_B: B.toString(16),
      USERNAME: userId,
      USER_ID_FOR_SRP: userId,
    },
  };
}

/**
 * Parses Cognito's SRP TIMESTAMP ("Wed Dec 2 14:05:09 UTC 2026"); undefined
 * when it is not exactly that format or names the wrong weekday.
 *
 * @example
 * ```ts
 * parseSrpTimestamp('Wed Dec 2 14:05:09 UTC 2026'); // epoch ms
 * ```
 */
export function parseSrpTimestamp(value: string): number | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, day, month, date, hh, mm, ss, year] = m;
  const time = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(date), Number(hh), Number(mm), Number(ss));
  const parsed = new Date(time);
  if (parsed.getUTCDate() !== Number(date) || DAYS[parsed.getUTCDay()] !== day) return undefined;
  return time;
}

/** The signature Amplify sends: HMAC-SHA256(key, poolName ‖ userId ‖ secretBlock ‖ timestamp). */
function expectedSignature(challenge: Challenge, secretBlock: string, timestamp: string): Buffer {
  const u = srpU(challenge.A, challenge.B);
  // S = (A · v^u)^b mod N, the value the client reaches as (B − k·g^x)^(a + u·x).
  const S = srpServerSecret({ A: challenge.A, b: challenge.b, u, verifier: challenge.verifier });
  return srpClaimSignature(srpPasswordKey(S, u), DEV_IDP_POOL_NAME, challenge.userId, secretBlock, timestamp);
}

/**
 * RespondToAuthChallenge with `ChallengeName: PASSWORD_VERIFIER`: checks the
 * password claim signature over the challenge's SECRET_BLOCK (single use, 3
 * minutes) and TIMESTAMP (Cognito's format, within 5 minutes), counts failures
 * in the same lockout as USER_PASSWORD_AUTH, and signs the user in through the
 * hosted UI's own flow, so the tokens are the same as every other sign-in's.
 *
 * @example
 * ```ts
 * case 'RespondToAuthChallenge': return respondToPasswordVerifier(idp, state, client, body);
 * ```
 */
export async function respondToPasswordVerifier(idp: DevIdpContext, state: CognitoUserPoolState, client: DevIdpClient, body: Json): Promise<Json> {
  const name = body.ChallengeName;
  if (name !== 'PASSWORD_VERIFIER') throw new CognitoError('InvalidParameterException', `ChallengeName ${String(name)} is not supported by the dev IdP`);
  const responses = typeof body.ChallengeResponses === 'object' && body.ChallengeResponses !== null ? (body.ChallengeResponses as Json) : {};
  const username = text(responses, 'USERNAME');
  const secretBlock = text(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = text(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = text(responses, 'TIMESTAMP');

  const pending = challenges(state);
  const challenge = pending.get(secretBlock);
  // Single use: whatever happens next, this secret block is spent.
  pending.delete(secretBlock);
  if (challenge === undefined || challenge.expires <= state.now() || challenge.clientId !== client.clientId) {
    throw new CognitoError('NotAuthorizedException', BAD_SESSION);
  }
  if (challenge.userId.toLowerCase() !== username.trim().toLowerCase()) throw new CognitoError('NotAuthorizedException', BAD_SESSION);
  const time = parseSrpTimestamp(timestamp);
  if (time === undefined) throw new CognitoError('InvalidParameterException', 'TIMESTAMP must be formatted as "EEE MMM d HH:mm:ss UTC yyyy"');
  if (Math.abs(time - state.now()) > CLOCK_SKEW_MS) throw new CognitoError('NotAuthorizedException', BAD_CREDENTIALS);
  if (state.isLocked(challenge.userId)) throw new CognitoError('TooManyRequestsException', 'Password attempts exceeded');

  const given = Buffer.from(signature, 'base64');
  const ok = challenge.real && given.length === 32 && timingSafeEqual(given, expectedSignature(challenge, secretBlock, timestamp));
  if (!ok) {
    state.fail(challenge.userId);
    throw new CognitoError('NotAuthorizedException', BAD_CREDENTIALS);
  }
  if (!idp.users.has(challenge.userId)) {
    // The password was right, but the user has not confirmed the sign-up yet.
    throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
  }
  state.succeed(challenge.userId);
  // The hosted UI's own authorization-code flow, with a single-use ticket in
  // place of the password the server never learns with SRP.
  const tokens = await signInWithPassword({
    issuer: idp.issuer,
    clientId: client.clientId,
    ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
    redirectUri: client.redirectUris[0]!,
    username: challenge.userId,
    password: idp.users.issueSignInTicket(challenge.userId),
  });
  return cognitoAuthResult(tokens);
}
