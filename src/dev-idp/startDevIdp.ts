import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createLocalJWKSet } from 'jose';
import type { Provider as OidcProvider } from 'oidc-provider';

import { ACCESS_TOKEN_GRANT_MODEL, AdapterStore } from './AdapterStore.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { resolveIdentityPool } from './cognitoIdentityApi.js';
import { createDevIdpMiddleware } from './devIdpMiddleware.js';
import { loadOidcProvider } from './loadOidcProvider.js';
import { loadUsers } from './loadUsers.js';
import { logoutUser } from './logoutUser.js';
import { createProviderConfiguration, ROUTES } from './providerConfiguration.js';
import { resolveOptions } from './resolveOptions.js';
import { requireRequestedAcr } from './requireRequestedAcr.js';
import { ACR_PASSWORD, ACR_SECOND_FACTOR, SecondFactorCodes } from './SecondFactorCodes.js';
import type { ResolvedOptions } from './resolveOptions.js';
import { createSigningJwk, publicJwkOf } from './signingKey.js';
import type { SigningJwk } from './signingKey.js';
import { readStateFile, StateFileWriter } from './stateFile.js';
import { StatsRecorder } from './StatsRecorder.js';
import type { DevIdp, DevIdpOptions, DevIdpUserInput } from './types.js';
import { toUserRecord } from './userRecord.js';
import type { UserRecord } from './userRecord.js';
import { UserStore } from './UserStore.js';

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`dev IdP: port ${port} on ${host} is already in use (use another port, or 0 for a free one)`, { cause: error })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function issuerFor(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

function banner(settings: ResolvedOptions, issuer: string): string {
  const users =
    typeof settings.users === 'string'
      ? settings.users
      : settings.users === undefined
        ? 'built-in (alice@example.com / alice-password, bob@example.com / bob-password)'
        : `${settings.users.length} given in options`;
  return [
    'next-server-auth dev IdP: a DEVELOPMENT identity provider, not for production use.',
    `  issuer ${issuer} · mode ${settings.mode} · users ${users}${settings.stateFile ? ` · state ${settings.stateFile}` : ''}`,
  ].join('\n');
}

/**
 * Starts a local, Cognito-shaped OpenID provider (oidc-provider underneath)
 * on loopback: hosted login and sign-up pages, `/oauth2/*` endpoints, JWT
 * access tokens, `/logout`, back-channel logout to clients that register a
 * `backchannelLogoutUri`, and `/dev/*` hooks for tests.
 *
 * @example
 * ```ts
 * import { startDevIdp, signInWithPassword } from 'next-server-auth/dev-idp';
 *
 * const idp = await startDevIdp({ port: 0, quiet: true });
 * const tokens = await signInWithPassword({
 *   issuer: idp.issuer,
 *   clientId: 'next-server-auth-example',
 *   redirectUri: 'http://localhost:3000/api/auth/sign-in-callback',
 *   username: 'alice@example.com',
 *   password: 'alice-password',
 * });
 * await idp.close();
 * ```
 */
export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const settings = resolveOptions(options);
  const identityPool = resolveIdentityPool(options.identityPool);
  const { Provider, interactionPolicy } = await loadOidcProvider();

  const persisted = settings.stateFile ? readStateFile(settings.stateFile) : undefined;
  // A persisted key of another algorithm than asked for is replaced.
  let signingKeys: SigningJwk[] = [
    persisted?.signingKey.alg === settings.signingAlg ? persisted.signingKey : await createSigningJwk(settings.signingAlg),
  ];
  const cookieKeys = persisted?.cookieKeys ?? [randomBytes(32).toString('base64url')];

  const users = new UserStore();
  for (const record of await Promise.all(loadUsers(settings.users).map(toUserRecord))) users.add(record);
  // Users created at runtime (sign-up, addUser) are what the state file keeps.
  const addedUsers: UserRecord[] = [];
  for (const record of persisted?.users ?? []) {
    if (!users.has(record.username)) {
      users.add(record);
      addedUsers.push(record);
    }
  }

  let writer: StateFileWriter | undefined;
  const store = new AdapterStore(persisted?.entries ?? [], () => writer?.schedule());
  if (settings.stateFile) {
    writer = new StateFileWriter(settings.stateFile, () => ({
      version: 1,
      signingKey: signingKeys[0]!,
      cookieKeys,
      users: addedUsers,
      entries: store.snapshot(),
    }));
    writer.flush();
  }

  const server = createServer();
  const port = await listen(server, settings.port, settings.host);
  const issuer = issuerFor(settings.host, port);

  // prompt=create (OIDC Initiating User Registration) shows the sign-up screen.
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'create', requestable: true }), 0);
  // prompt=consent shows no screen (first-party clients; see addConsentForOfflineAccess).
  policy.get('consent')?.checks.remove('consent_prompt');
  // Step-up: acr_values=mfa on a password-only IdP session signs in again (password, then a code).
  if (settings.secondFactor) requireRequestedAcr(policy, interactionPolicy, [ACR_PASSWORD, ACR_SECOND_FACTOR]);

  const refreshTokenGrants = new Map<string, string>();
  // Rebuilt on key rotation (oidc-provider reads its keys once); everything it
  // stores lives in `store`, so sessions, grants and tokens carry over.
  const buildProvider = (): OidcProvider => {
    const built = new Provider(
      issuer,
      createProviderConfiguration({
        ...settings,
        users,
        signingKeys,
        cookieKeys,
        adapter: (model) => store.adapterFor(model),
        policy,
      }),
    );
    built.proxy = false;
    built.on('access_token.issued', (token) => {
      if (token.grantId !== undefined) {
        store.upsert(ACCESS_TOKEN_GRANT_MODEL, token.jti, { grantId: token.grantId }, settings.accessTokenTtl + 60);
      }
    });
    built.on('refresh_token.saved', (token) => {
      if (token.grantId === undefined) return;
      // Bounded: forget the oldest entries (Map keeps insertion order).
      if (refreshTokenGrants.size >= 10_000) refreshTokenGrants.delete(refreshTokenGrants.keys().next().value ?? '');
      refreshTokenGrants.set(token.jti, token.grantId);
    });
    built.on('server_error', (_ctx, error) => console.error('dev IdP: server error', error));
    built.use(async (ctx, next) => {
      await next();
      // Counted so tests can bound how often a relying party refetches keys.
      if (ctx.method === 'GET' && ctx.path === ROUTES.jwks && ctx.status === 200) stats.jwksFetch();
    });
    built.use(middleware);
    return built;
  };
  const keySetOf = (keys: SigningJwk[]) => createLocalJWKSet({ keys: keys.map(publicJwkOf) });
  let keySet = keySetOf(signingKeys);

  const stats = new StatsRecorder();
  const addUser = async (input: DevIdpUserInput): Promise<UserRecord> => {
    const record = await toUserRecord(input);
    users.add(record);
    addedUsers.push(record);
    writer?.schedule();
    return record;
  };
  let provider: OidcProvider | undefined;
  const context: DevIdpContext = {
    get provider() {
      return provider!;
    },
    issuer,
    shape: { mode: settings.mode, groupsClaim: settings.groupsClaim },
    clients: settings.clients,
    users,
    addUser,
    store,
    stats,
    refreshTokenGrants,
    get keySet() {
      return keySet;
    },
    get algorithms() {
      return [...new Set(signingKeys.map((k) => k.alg))];
    },
    identityPool,
    ...(settings.secondFactor ? { secondFactor: new SecondFactorCodes() } : {}),
    ...(settings.dpop ? { dpop: settings.dpop } : {}),
  };
  const middleware = createDevIdpMiddleware(context);
  provider = buildProvider();
  let handle = provider.callback();
  server.on('request', (req, res) => handle(req, res));

  if (!settings.quiet) console.log(banner(settings, issuer));

  let closing: Promise<void> | undefined;
  return {
    issuer,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => writer?.flush());
      return closing;
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    addUser: async (input) => {
      await addUser(input);
    },
    logoutUser: async (username) => {
      const result = await logoutUser(context, username);
      if (!result) throw new Error(`dev IdP: no user "${username}"`);
      return result;
    },
    rotateKeys: async ({ keepPrevious = true } = {}) => {
      const next = await createSigningJwk(signingKeys[0]!.alg);
      signingKeys = keepPrevious ? [next, ...signingKeys] : [next];
      keySet = keySetOf(signingKeys);
      provider = buildProvider();
      handle = provider.callback();
      writer?.schedule();
      return next.kid;
    },
  };
}
