import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { getCurrentUser } from '../context/getCurrentUser.js';
import { runCli } from '../dev-idp/runCli.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { startAuthApp, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

const ALICE = { username: 'alice@example.com', password: 'alice-password' };

let app: AuthApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The `oidc: { issuer, clientId, flavor }` object of the printed auth.ts, read back from the text. */
function printedConfig(text: string): { oidc: { issuer: string; clientId: string; flavor: 'cognito' | 'generic' } } {
  const field = (name: string) => new RegExp(`^ {6}${name}: '([^']*)',`, 'm').exec(text)?.[1];
  const [issuer, clientId, flavor] = [field('issuer'), field('clientId'), field('flavor')];
  if (!issuer || !clientId || (flavor !== 'cognito' && flavor !== 'generic')) throw new Error(`no auth.ts config in:\n${text}`);
  return { oidc: { issuer, clientId, flavor } };
}

describe('the dev IdP for your own app (--app-origin)', () => {
  it.each(['cognito', 'oidc'] as const)(
    'the printed auth.ts works as pasted against a %s-mode IdP: sign-in, groups, refresh, sign-out back to the app with the IdP session ended',
    async (mode) => {
      let printed = '';
      let runtime: AuthRuntime | undefined;
      app = await startAuthApp({
        adapter: 'app',
        startIdp: async (origin) => {
          const result = await runCli(['--port', '0', '--mode', mode, '--app-origin', origin], {}, {
            log: (text) => void (printed += text),
            error: (text) => {
              throw new Error(text);
            },
            start: (options) => startDevIdp({ ...options, quiet: true }),
          });
          if (!('idp' in result)) throw new Error(`the CLI exited with ${result.exitCode}`);
          return result.idp;
        },
        // Exactly what the printout says to paste, plus AUTH_SECRET / AUTH_ORIGIN from .env.local.
        runner: (_idp: DevIdp, origin) => ({ config: printedConfig(printed), runtimeOptions: { secret: TEST_SECRET, origin } }),
        patchRuntime: (built) => (runtime = built),
      });
      expect(printed).toContain(`AUTH_ORIGIN=${app.origin}`);
      expect(printedConfig(printed).oidc).toEqual({ issuer: app.idp.issuer, clientId: 'local-app', flavor: mode === 'cognito' ? 'cognito' : 'generic' });

      const browser = new BrowserLike(app.origin);
      const signedIn = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
      expect(signedIn.url.href).toBe(`${app.origin}/me`);
      expect(signedIn.response.status).toBe(200);

      // Groups are read with the printed flavor (cognito:groups in cognito mode, groups in oidc mode).
      const cookie = browser.jar.header(new URL(app.origin));
      const user = await createRunWithServerContext(runtime!)({
        nextServerContext: { request: new Request(`${app.origin}/me`, { headers: { cookie } }), response: new Response() },
        operation: (ctx) => getCurrentUser(ctx),
      });
      expect(user).toMatchObject({ username: 'alice@example.com', groups: ['ADMINS'] });

      // A refresh token was issued (in oidc mode: offline_access was asked for).
      app.idp.resetStats();
      const forced = await createRunWithServerContext(runtime!)({
        nextServerContext: { request: new Request(`${app.origin}/me`, { headers: { cookie: browser.jar.header(new URL(app.origin)) } }), response: new Response() },
        operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
      });
      expect(forced.tokens).toBeDefined();
      expect(app.idp.stats().tokenCalls.refresh_token).toBe(1);

      // Sign-out: the IdP accepts the app's registered post-logout URI and ends its session.
      const signedOut = await browser.navigate('/api/auth/sign-out', undefined, { method: 'POST', headers: { origin: app.origin } });
      expect(signedOut.url.href).toBe(`${app.origin}/signed-out`);
      expect(signedOut.trail.some((u) => u.origin === app!.idp.issuer && u.pathname === '/logout')).toBe(true);
      expect(app.idp.stats().logouts).toBe(1);
      // The --app-origin default registered the back-channel logout route, and the app accepted the IdP's logout token.
      expect(app.idp.stats().backchannelLogouts).toEqual({ delivered: 1, failed: 0 });
      const again = await browser.navigate('/api/auth/sign-in');
      expect(again.url.origin).toBe(app.idp.issuer);
      expect(again.body).toContain('id="sign-in-form"');
      expect(app.statuses).not.toContain(500);
    },
  );
});
