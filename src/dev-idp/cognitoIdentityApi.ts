import { randomBytes, randomUUID } from 'node:crypto';

import { jwtVerify } from 'jose';

import { CognitoError } from './CognitoError.js';
import type { DevIdpContext } from './DevIdpContext.js';

/** `X-Amz-Target` prefix of Cognito Identity (identity pools). */
export const IDENTITY_TARGET_PREFIX = 'AWSCognitoIdentityService.';

const POOL_ID = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+):[0-9a-f-]{36}$/;
/** Cognito's provider name for a user pool: `cognito-idp.<region>.amazonaws.com/<poolId>`. */
const USER_POOL_PROVIDER = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[\w-]+$/;
const MAX_GUESTS = 10_000;

type Json = Record<string, unknown>;

/**
 * The dev IdP's identity pool ({@link DevIdpOptions.identityPool}), resolved.
 */
export interface ResolvedIdentityPool {
  /** Undefined: any well-formed identity pool id is this pool (the one in the app's outputs). */
  id?: string;
  region: string;
  allowGuests: boolean;
  /** Seconds the credentials live. */
  credentialsTtl: number;
}

/** Options of the dev IdP's identity pool. */
export interface DevIdpIdentityPoolOptions {
  /**
   * The identity pool id (`<region>:<uuid>`), what `amplify_outputs.json` calls `identity_pool_id`;
   * other ids get `ResourceNotFoundException`.
   * @default any well-formed id (so an app's real outputs work unchanged against the dev IdP)
   */
  id?: string;
  /**
   * Unauthenticated (guest) identities (`unauthenticated_identities_enabled`).
   * @default false
   */
  allowGuests?: boolean;
  /**
   * Seconds the (fake) credentials live; tests shorten it.
   * @default 3600
   */
  credentialsTtl?: number;
}

/** An identity pool id for tests and examples (the dev IdP answers for any id unless given one). */
export const DEFAULT_IDENTITY_POOL_ID = 'us-east-1:00000000-0000-4000-8000-000000000000';

/**
 * Validates the identity-pool options of `startDevIdp`.
 *
 * @example
 * ```ts
 * resolveIdentityPool({ allowGuests: true }).id; // 'us-east-1:00000000-0000-4000-8000-000000000000'
 * ```
 */
export function resolveIdentityPool(options: DevIdpIdentityPoolOptions = {}): ResolvedIdentityPool {
  const id = options.id;
  const match = POOL_ID.exec(id ?? DEFAULT_IDENTITY_POOL_ID);
  if (!match) throw new Error(`dev IdP: identityPool.id must look like "<region>:<uuid>" (got ${JSON.stringify(id)})`);
  const ttl = options.credentialsTtl ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error('dev IdP: identityPool.credentialsTtl must be a positive whole number of seconds');
  return { ...(id === undefined ? {} : { id }), region: match[1]!, allowGuests: options.allowGuests === true, credentialsTtl: ttl };
}

interface Identity {
  /** The user's `sub`; undefined for a guest. */
  sub?: string;
}

/** Identities of one dev IdP: stable per user `sub`, a new one per guest. */
class IdentityState {
  readonly identities = new Map<string, Identity>();
  readonly bySub = new Map<string, string>();
  #guests: string[] = [];

  forUser(pool: ResolvedIdentityPool, sub: string): string {
    let id = this.bySub.get(sub);
    if (id === undefined) {
      id = `${pool.region}:${randomUUID()}`;
      this.bySub.set(sub, id);
      this.identities.set(id, { sub });
    }
    return id;
  }

  guest(pool: ResolvedIdentityPool): string {
    const id = `${pool.region}:${randomUUID()}`;
    this.identities.set(id, {});
    this.#guests.push(id);
    // Bounded: the oldest guest identities are forgotten.
    if (this.#guests.length > MAX_GUESTS) this.identities.delete(this.#guests.shift()!);
    return id;
  }
}

const states = new WeakMap<DevIdpContext, IdentityState>();

function stateOf(idp: DevIdpContext): IdentityState {
  let state = states.get(idp);
  if (!state) states.set(idp, (state = new IdentityState()));
  return state;
}

function poolOf(idp: DevIdpContext, body: Json): ResolvedIdentityPool {
  const pool = idp.identityPool;
  const id = body.IdentityPoolId;
  if (typeof id !== 'string' || id === '') throw new CognitoError('InvalidParameterException', 'Missing required parameter IdentityPoolId');
  const match = POOL_ID.exec(id);
  if (!match) throw new CognitoError('InvalidParameterException', `1 validation error detected: Value '${id.slice(0, 64)}' at 'identityPoolId' failed to satisfy constraint`);
  if (pool === undefined || (pool.id !== undefined && id !== pool.id)) throw new CognitoError('ResourceNotFoundException', `IdentityPool '${id}' not found.`);
  return { ...pool, id, region: match[1]! };
}

function loginsOf(body: Json): [string, string][] {
  const logins = body.Logins;
  if (logins === undefined || logins === null) return [];
  if (typeof logins !== 'object' || Array.isArray(logins)) throw new CognitoError('InvalidParameterException', 'Logins must be a map of provider name to token');
  const entries = Object.entries(logins as Json);
  if (entries.some(([, token]) => typeof token !== 'string' || token === '')) {
    throw new CognitoError('InvalidParameterException', 'Logins must be a map of provider name to token');
  }
  if (entries.length > 1) throw new CognitoError('InvalidParameterException', 'The dev IdP accepts one login (its user pool)');
  return entries as [string, string][];
}

/** The provider names that mean "this dev IdP's user pool": Cognito's own form, or the issuer without scheme. */
function isOurProvider(idp: DevIdpContext, provider: string): boolean {
  return USER_POOL_PROVIDER.test(provider) || provider === idp.issuer.replace(/^https?:\/\//, '');
}

/** The `sub` of a valid ID token of ours (signature, issuer, audience, expiry, token_use). */
async function subOfLogin(idp: DevIdpContext, logins: [string, string][]): Promise<string | undefined> {
  const [login] = logins;
  if (login === undefined) return undefined;
  const [provider, token] = login;
  if (!isOurProvider(idp, provider)) throw new CognitoError('NotAuthorizedException', 'Invalid login token. Issuer doesn\'t match providerName');
  try {
    const { payload } = await jwtVerify(token, idp.keySet, {
      issuer: idp.issuer,
      audience: idp.clients.map((c) => c.clientId),
      algorithms: idp.algorithms,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no sub');
    if (idp.shape.mode === 'cognito' && payload.token_use !== 'id') throw new Error('not an ID token');
    return payload.sub;
  } catch (error) {
    // Never echo the token.
    const expired = error instanceof Error && 'code' in error && error.code === 'ERR_JWT_EXPIRED';
    throw new CognitoError('NotAuthorizedException', expired ? 'Invalid login token. Token expired.' : 'Invalid login token. Not a valid OpenId Connect identity token.');
  }
}

function getIdOrThrowGuests(pool: ResolvedIdentityPool): void {
  if (!pool.allowGuests) throw new CognitoError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
}

async function getId(idp: DevIdpContext, body: Json): Promise<Json> {
  const pool = poolOf(idp, body);
  const sub = await subOfLogin(idp, loginsOf(body));
  const state = stateOf(idp);
  if (sub !== undefined) return { IdentityId: state.forUser(pool, sub) };
  getIdOrThrowGuests(pool);
  return { IdentityId: state.guest(pool) };
}

function fakeCredentials(pool: ResolvedIdentityPool): Json {
  const upper = (n: number): string =>
    Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
  return {
    AccessKeyId: `ASIA${upper(16)}`,
    SecretKey: randomBytes(30).toString('base64'),
    SessionToken: `DEVIDP//${randomBytes(120).toString('base64')}`,
    // Epoch seconds, as Cognito Identity's JSON protocol sends timestamps.
    Expiration: Math.floor(Date.now() / 1000) + pool.credentialsTtl,
  };
}

async function getCredentialsForIdentity(idp: DevIdpContext, body: Json): Promise<Json> {
  const identityId = body.IdentityId;
  if (typeof identityId !== 'string' || identityId === '') throw new CognitoError('InvalidParameterException', 'Missing required parameter IdentityId');
  const pool = idp.identityPool;
  const identity = stateOf(idp).identities.get(identityId);
  if (pool === undefined || identity === undefined) throw new CognitoError('ResourceNotFoundException', `Identity '${identityId.slice(0, 64)}' not found.`);
  const sub = await subOfLogin(idp, loginsOf(body));
  if (identity.sub !== undefined) {
    // An authenticated identity needs a valid login of its own user, every time.
    if (sub !== identity.sub) throw new CognitoError('NotAuthorizedException', 'Logins don\'t match. Please include at least one valid login for this identity or identity pool.');
  } else {
    getIdOrThrowGuests(pool);
    if (sub !== undefined) throw new CognitoError('NotAuthorizedException', 'Logins don\'t match. Please include at least one valid login for this identity or identity pool.');
  }
  return { IdentityId: identityId, Credentials: fakeCredentials(pool) };
}

/**
 * Cognito Identity (identity pools) at the dev IdP, as the AWS SDK's
 * `CognitoIdentityClient` calls it (`X-Amz-Target:
 * AWSCognitoIdentityService.<Operation>`): `GetId` (a stable identity per
 * user `sub`, a new one per guest) and `GetCredentialsForIdentity` (fake but
 * well-formed credentials after checking the ID token is the IdP's own).
 * Errors in Cognito's shape.
 *
 * @example
 * ```ts
 * const result = await cognitoIdentityOperation('GetId', idp, { IdentityPoolId, Logins });
 * ```
 */
export async function cognitoIdentityOperation(operation: string, idp: DevIdpContext, body: Json): Promise<Json> {
  switch (operation) {
    case 'GetId':
      idp.stats.identityCall('GetId');
      return getId(idp, body);
    case 'GetCredentialsForIdentity':
      idp.stats.identityCall('GetCredentialsForIdentity');
      return getCredentialsForIdentity(idp, body);
    default:
      throw new CognitoError('UnknownOperationException', `Unknown operation ${IDENTITY_TARGET_PREFIX}${operation}`);
  }
}
