// Typed from the re-export itself, so a command used below but not re-exported there fails the type check.
import type * as CognitoSdkModule from '#aws/cognito-identity-provider';

import type { AuthRuntime } from '../../context/AuthRuntime.js';
import { AuthError } from '../../errors/AuthError.js';
import { cognitoPoolOf } from './cognitoPoolOf.js';

const PACKAGE = '@aws-sdk/client-cognito-identity-provider'; // for messages; the import below spells it out

/** The parts of the AWS SDK the actions use (kept out of the public types). */
export interface CognitoSdk {
  send(operation: 'InitiateAuth' | 'RespondToAuthChallenge' | 'SignUp' | 'ConfirmSignUp' | 'ForgotPassword' | 'ConfirmForgotPassword', input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const clients = new WeakMap<AuthRuntime, Promise<CognitoSdk>>();

async function load(runtime: AuthRuntime): Promise<CognitoSdk> {
  const pool = cognitoPoolOf(runtime.config);
  let sdk: typeof CognitoSdkModule;
  try {
    // Through the package's own '#aws/cognito-identity-provider' (package.json
    // "imports"): on Node a static re-export, bundled into the server chunks
    // (so `output: 'standalone'` ships it) and into a Node proxy's lazy
    // chunks, loaded only if a cognito.* action runs in the proxy; a stub
    // under the edge conditions, so an edge middleware bundle never holds it.
    sdk = await import('#aws/cognito-identity-provider');
  } catch {
    throw new AuthError('InvalidConfig', `cognito.* server actions could not load ${PACKAGE} (a dependency of next-server-auth): they need the Node.js runtime and node_modules installed`);
  }
  const timeout = runtime.options.httpTimeoutMs;
  const client = new sdk.CognitoIdentityProviderClient({
    region: pool.region,
    ...(pool.endpoint === undefined ? {} : { endpoint: pool.endpoint }),
    // These operations are unauthenticated (not SigV4-signed); the SDK still
    // resolves credentials, so give it inert ones instead of the process's own.
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    // One attempt: a user waits on the form, and retrying a throttled or
    // locked-out sign-in only deepens the lockout.
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeout, connectionTimeout: timeout },
  });
  const commands = {
    InitiateAuth: sdk.InitiateAuthCommand,
    RespondToAuthChallenge: sdk.RespondToAuthChallengeCommand,
    SignUp: sdk.SignUpCommand,
    ConfirmSignUp: sdk.ConfirmSignUpCommand,
    ForgotPassword: sdk.ForgotPasswordCommand,
    ConfirmForgotPassword: sdk.ConfirmForgotPasswordCommand,
  } as const;
  return {
    async send(operation, input) {
      const Command = commands[operation] as unknown as new (input: Record<string, unknown>) => Parameters<typeof client.send>[0];
      return (await client.send(Command === undefined ? (undefined as never) : new Command(input))) as unknown as Record<string, unknown>;
    },
  };
}

/**
 * The runner's Cognito user-pool client (one per runner, created on first
 * use; the SDK is imported then, so apps without these actions need not
 * install it). Throws `InvalidConfig` for a generic OIDC config or when the
 * SDK is not installed.
 *
 * @example
 * ```ts
 * const sdk = await cognitoSdkFor(runtime);
 * await sdk.send('ForgotPassword', { ClientId, Username });
 * ```
 */
export function cognitoSdkFor(runtime: AuthRuntime): Promise<CognitoSdk> {
  let client = clients.get(runtime);
  if (client === undefined) {
    client = load(runtime);
    // A failed load (missing package) is not cached: a later install works after a restart anyway, but a generic config keeps failing fast.
    client.catch(() => clients.delete(runtime));
    clients.set(runtime, client);
  }
  return client;
}
