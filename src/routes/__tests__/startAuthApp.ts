import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthRuntime } from '../../createServerRunner.js';
import type { ServerRunner, ServerRunnerInput } from '../../createServerRunner.js';
import type { AuthRuntime } from '../../context/AuthRuntime.js';
import { createRunWithServerContext } from '../../context/createRunWithServerContext.js';
import { createAuthRouteHandlersFor } from '../createAuthRouteHandlers.js';
import { fetchAuthSession } from '../../context/fetchAuthSession.js';
import { getCurrentUser } from '../../context/getCurrentUser.js';
import { startDevIdp } from '../../dev-idp/index.js';
import type { DevIdp, DevIdpClient, DevIdpOptions } from '../../dev-idp/index.js';
import { isAuthError } from '../../errors/AuthError.js';
import { sendWebResponse } from '../sendWebResponse.js';
import { toWebRequest } from '../toWebRequest.js';

export const TEST_SECRET = 'odd-names-secret-odd-names-secret-0123456789';
export const TEST_CLIENT_ID = 'testclient1';

export interface AuthApp {
  idp: DevIdp;
  origin: string;
  /** Status codes this app answered with, in order (a 500 anywhere fails the tests that look). */
  statuses: number[];
  close(): Promise<void>;
}

/**
 * A real HTTP app on loopback against a real dev IdP (port 0): the auth
 * routes through the App Router (`GET`/`POST`) or Pages Router (`handler`)
 * adapter, and `/me` reading the session through `{ request, response }`.
 * `runner` builds the server runner once the app's origin is known.
 */
export async function startAuthApp(input: {
  adapter: 'app' | 'pages';
  idp?: Omit<DevIdpOptions, 'port' | 'clients'>;
  runner: (idp: DevIdp, origin: string) => ServerRunnerInput;
  /** Starts the IdP itself (e.g. through the CLI) instead of `startDevIdp` with a test client. */
  startIdp?: (origin: string) => Promise<DevIdp>;
  /** Extra registration of the test client at the dev IdP (auth method, jwks, PAR), given the app's origin. */
  client?: (origin: string) => Partial<DevIdpClient>;
  /** Replaces parts of the runtime (e.g. a codec whose `clear` throws). */
  patchRuntime?: (runtime: AuthRuntime) => AuthRuntime;
}): Promise<AuthApp> {
  const app: { handlers?: ReturnType<ServerRunner['createAuthRouteHandlers']>; runner?: Pick<ServerRunner, 'runWithServerContext'> } = {};
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    res.on('finish', () => statuses.push(res.statusCode));
    void serve(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const slug = /^\/api\/auth\/([^/]+)$/.exec(url.pathname)?.[1];
    if (slug && input.adapter === 'pages') return app.handlers!.handler(Object.assign(req, { query: { slug } }), res);
    if (slug) {
      // The App Router hands route handlers the body: back-channel logout reads it.
      const request = toWebRequest(req, origin, { withBody: slug === 'backchannel-logout' });
      const route = request.method === 'POST' ? app.handlers!.POST : app.handlers!.GET;
      return sendWebResponse(await route(request, { params: Promise.resolve({ slug }) }), res);
    }
    if (url.pathname === '/me') {
      try {
        const me = await app.runner!.runWithServerContext({
          nextServerContext: { request: req, response: res },
          operation: async (ctx) => {
            const user = await getCurrentUser(ctx);
            // `/me?refresh`: refresh now (forceRefresh) instead of waiting for the access token to expire.
            const id = (await fetchAuthSession(ctx, { forceRefresh: url.searchParams.has('refresh') })).tokens!.idToken.payload;
            return { ...user, email: id.email, groups: id['cognito:groups'] ?? [] };
          },
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(me));
      } catch (err) {
        res.statusCode = isAuthError(err, 'UserUnAuthenticated') ? 401 : 500;
        res.end(isAuthError(err) ? err.code : 'error');
      }
      return;
    }
    res.end(`page ${url.pathname}`);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp = input.startIdp
    ? await input.startIdp(origin)
    : await startDevIdp({
        port: 0,
        quiet: true,
        ...input.idp,
        clients: [{ clientId: TEST_CLIENT_ID, redirectUris: [`${origin}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${origin}/api/auth/sign-out-callback`], ...input.client?.(origin) }],
      });
  const { config, runtimeOptions } = input.runner(idp, origin);
  const built = createAuthRuntime(config, runtimeOptions);
  const runtime = input.patchRuntime ? input.patchRuntime(built) : built;
  app.runner = { runWithServerContext: createRunWithServerContext(runtime) };
  app.handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/me', redirectOnSignOutComplete: '/signed-out' });
  return {
    idp,
    origin,
    statuses,
    async close() {
      server.closeAllConnections();
      server.close();
      await idp.close();
    },
  };
}
