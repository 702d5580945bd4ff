import type * as SdkModule from '@aws-sdk/client-cognito-identity';

import type { ResolvedIdentityPool } from '../config/types.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';

/** Temporary AWS credentials of a Cognito identity (as Amplify's `fetchAuthSession` returns them). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** What {@link IdentityCredentials.get} resolves to. */
export interface IdentityCredentialsResult {
  identityId: string;
  credentials: AwsCredentials;
}

/** The login of a signed-in user: its `sub` (cache key) and its verified ID token (compact form). */
export interface IdentityLogin {
  sub: string;
  idToken: string;
}

export interface IdentityCredentials {
  /**
   * Credentials of the user's identity (`login`), or of the guest identity
   * when `login` is undefined. Undefined when signed out and guests are off.
   */
  get(login: IdentityLogin | undefined): Promise<IdentityCredentialsResult | undefined>;
}

export interface IdentityCredentialsOptions {
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /**
   * Credentials are fetched again this many seconds before they expire.
   * @default 300
   */
  refreshBeforeSeconds?: number;
  /** @default 1000 identities */
  maxEntries?: number;
}

// Loaded on first use through the package's own `#aws/cognito-identity`
// import (package.json "imports"): on Node it re-exports the SDK statically,
// so bundlers bundle it into the server chunks that use fetchAuthSession and
// `output: 'standalone'` needs nothing from node_modules; under the edge-light,
// worker and browser conditions it is a stub, so the SDK never enters an edge
// middleware bundle. (An import hidden from the bundlers kept it out of the
// edge too, but also out of Turbopack's output file tracing: standalone
// builds shipped without it.)
const SDK = '@aws-sdk/client-cognito-identity';
type Sdk = Pick<typeof SdkModule, 'CognitoIdentityClient' | 'GetIdCommand' | 'GetCredentialsForIdentityCommand'>;
type Client = InstanceType<Sdk['CognitoIdentityClient']>;

const GUEST = 'guest';

interface Entry {
  identityId: string;
  credentials: AwsCredentials;
}

/**
 * The cache key of a signed-in user. In process memory only (never stored or
 * sent), so the `sub` itself will do; a hash here cost a thread-pool round
 * trip (`crypto.subtle.digest`) on every cached read (bench Part 8: half of
 * a cached read's time).
 */
function keyOf(sub: string): string {
  return `identity:${sub}`;
}

function toAuthError(error: unknown): AuthError {
  const name = error instanceof Error ? error.name : '';
  // Messages of the service can quote what was sent: never pass them on.
  if (name === 'ResourceNotFoundException' || name === 'InvalidParameterException' || name === 'InvalidIdentityPoolConfigurationException') {
    return new AuthError('InvalidConfig', `Cognito Identity refused the identity pool (${name}): check auth.identity_pool_id and the pool's providers`);
  }
  if (name === 'NotAuthorizedException') return new AuthError('TokenInvalid', 'Cognito Identity refused the login (NotAuthorizedException)');
  return new AuthError('IdpUnavailable', `Cognito Identity is unavailable${name ? ` (${name})` : ''}; retry later`);
}

/** A bounded map that forgets its oldest entries first. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}

/**
 * Identity-pool credentials for one runner: GetId + GetCredentialsForIdentity
 * through the AWS SDK's Cognito Identity client, with the ID token as the
 * user pool's login. Cached per identity until shortly before they expire
 * (keyed by a hash of the `sub`; guests share one identity per runner, as
 * they share one role); concurrent calls for one identity share one request;
 * the `identityId` of a user is kept across token refreshes.
 *
 * @example
 * ```ts
 * const identities = createIdentityCredentials(config.identityPool!);
 * const { identityId, credentials } = (await identities.get({ sub, idToken }))!;
 * ```
 */
export function createIdentityCredentials(pool: ResolvedIdentityPool, options: IdentityCredentialsOptions = {}): IdentityCredentials {
  const now = options.now ?? Date.now;
  const margin = (options.refreshBeforeSeconds ?? 300) * 1000;
  const max = options.maxEntries ?? 1000;
  const identityIds = new Map<string, string>();
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Entry | undefined>>();
  let client: Promise<{ sdk: Sdk; client: Client }> | undefined;

  const clientOf = (): Promise<{ sdk: Sdk; client: Client }> => {
    client ??= (import('#aws/cognito-identity') as Promise<Sdk>).then(
      (sdk) => ({
        sdk,
        client: new sdk.CognitoIdentityClient({
          region: pool.region,
          ...(pool.endpoint === undefined ? {} : { endpoint: pool.endpoint }),
          maxAttempts: 2,
        }),
      }),
      (error: unknown) => {
        client = undefined;
        throw new AuthError('IdpUnavailable', `${SDK} could not be loaded (identity pools need it installed and the Node.js runtime)`, { cause: error });
      },
    );
    return client;
  };

  const fetchEntry = async (key: string, login: IdentityLogin | undefined): Promise<Entry> => {
    const { sdk, client: c } = await clientOf();
    const Logins = login === undefined ? undefined : { [pool.providerName]: login.idToken };
    const getId = async (): Promise<string> => {
      const got = await c.send(new sdk.GetIdCommand({ IdentityPoolId: pool.id, ...(Logins ? { Logins } : {}) }));
      if (typeof got.IdentityId !== 'string') throw new AuthError('IdpUnavailable', 'Cognito Identity returned no IdentityId');
      return got.IdentityId;
    };
    const credentialsOf = (identityId: string) => c.send(new sdk.GetCredentialsForIdentityCommand({ IdentityId: identityId, ...(Logins ? { Logins } : {}) }));
    try {
      let identityId = identityIds.get(key);
      let out;
      if (identityId === undefined) {
        identityId = await getId();
        out = await credentialsOf(identityId);
      } else {
        try {
          out = await credentialsOf(identityId);
        } catch (error) {
          // A remembered identity the pool no longer has (deleted, local server restarted): ask once more.
          if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
          identityIds.delete(key);
          identityId = await getId();
          out = await credentialsOf(identityId);
        }
      }
      const cr = out.Credentials;
      if (!cr?.AccessKeyId || !cr.SecretKey || !cr.SessionToken || !(cr.Expiration instanceof Date)) {
        throw new AuthError('IdpUnavailable', 'Cognito Identity returned incomplete credentials');
      }
      remember(identityIds, key, identityId, max);
      return {
        identityId,
        credentials: { accessKeyId: cr.AccessKeyId, secretAccessKey: cr.SecretKey, sessionToken: cr.SessionToken, expiration: cr.Expiration },
      };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw toAuthError(error);
    }
  };

  return {
    async get(login) {
      if (login === undefined && !pool.allowGuests) return undefined;
      const key = login === undefined ? GUEST : keyOf(login.sub);
      const cached = entries.get(key);
      if (cached && cached.credentials.expiration.getTime() - margin > now()) return cached;
      let pending: Promise<Entry | undefined> | undefined = inflight.get(key);
      if (!pending) {
        pending = fetchEntry(key, login)
          .then((entry) => (remember(entries, key, entry, max), entry))
          .finally(() => inflight.delete(key));
        // A pool that refuses guests (NotAuthorizedException) though the config allows them:
        // signed out stays plainly signed out, as with guests off, rather than failing the page.
        if (login === undefined) pending = pending.catch((error: unknown) => (isAuthError(error, 'TokenInvalid') ? undefined : Promise.reject(error)));
        inflight.set(key, pending);
      }
      return pending;
    },
  };
}
