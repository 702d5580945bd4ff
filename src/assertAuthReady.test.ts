import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAuthReady } from './assertAuthReady.js';
import type { AssertAuthReadyOptions } from './assertAuthReady.js';
import { createServerRunner } from './createServerRunner.js';
import type { ServerRunnerInput } from './createServerRunner.js';
import { startDevIdp } from './dev-idp/index.js';
import type { DevIdp } from './dev-idp/index.js';
import { closedPort } from './config/__tests__/closedPort.js';

const SECRET = 'assert-ready-secret-assert-ready-secret-0123';
const PRODUCTION = { NODE_ENV: 'production' };

/** Runs the check the way instrumentation.ts does, recording what it logs and whether it stopped the process. */
async function check(load: () => unknown, env: Record<string, string | undefined>, options: AssertAuthReadyOptions = {}) {
  const errors: string[] = [];
  const warnings: string[] = [];
  const exits: number[] = [];
  const ready = await assertAuthReady(load, options, {
    env,
    error: (m) => errors.push(m),
    warn: (m) => warnings.push(m),
    exit: (code) => void exits.push(code),
  });
  return { ready, errors, warnings, exits };
}

/** What an app's auth.ts module looks like once imported. */
function authModule(input: ServerRunnerInput) {
  return async () => {
    const { runWithServerContext, createAuthRouteHandlers, createAuthGuard } = createServerRunner(input);
    return { runWithServerContext, createAuthRouteHandlers, createAuthGuard, somethingElse: 42 };
  };
}

describe('assertAuthReady (instrumentation.ts register)', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, quiet: true });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it('a production start without AUTH_SECRET stops the server with the reason instead of serving 500s', async () => {
    // No secret anywhere: the test process has no AUTH_SECRET, and the origin is not loopback.
    const load = authModule({ config: { oidc: { issuer: idp.issuer, clientId: 'web' } }, runtimeOptions: { origin: 'https://app.example.com' } });
    const result = await check(load, PRODUCTION);
    expect(result).toEqual({
      ready: false,
      exits: [1],
      warnings: [],
      errors: [
        'next-server-auth: the auth setup cannot work, stopping the server. InvalidSecret: AUTH_SECRET is not set: set it (at least 32 random characters) or pass runtimeOptions.secret. ' +
          'The development secret is used only outside production for an http origin on localhost, 127.0.0.1 or [::1] (the origin is https://app.example.com)',
      ],
    });
  });

  it('an invalid config stops a production start, naming the field; the secret is never logged', async () => {
    const load = authModule({ config: { oidc: { issuer: 'http://id.example.com', clientId: 'web' } }, runtimeOptions: { secret: SECRET, origin: 'https://app.example.com' } });
    const result = await check(load, PRODUCTION);
    expect(result.exits).toEqual([1]);
    expect(result.errors).toEqual([
      'next-server-auth: the auth setup cannot work, stopping the server. InvalidConfig: Invalid auth config: oidc.issuer must be https (plain http is allowed only on loopback, for the dev IdP)',
    ]);
    const short = await check(authModule({ config: { oidc: { issuer: idp.issuer, clientId: 'web' } }, runtimeOptions: { secret: 'too-short-secret-value', origin: 'https://app.example.com' } }), PRODUCTION);
    expect(short.errors).toEqual(['next-server-auth: the auth setup cannot work, stopping the server. InvalidSecret: runtimeOptions.secret[1] must be at least 32 characters']);
    expect(short.errors.join('')).not.toContain('too-short-secret-value');
  });

  it('in development a failure is logged and the dev server keeps running', async () => {
    const load = authModule({ config: { oidc: { issuer: idp.issuer, clientId: 'web' } }, runtimeOptions: { origin: 'https://staging.example.com' } });
    const result = await check(load, { NODE_ENV: 'development' });
    expect(result.ready).toBe(false);
    expect(result.exits).toEqual([]);
    expect(result.errors[0]).toMatch(/^next-server-auth: the auth setup cannot work, requests that use it will fail\. InvalidSecret: AUTH_SECRET is not set/);
  });

  it('a module that fails to load for another reason stops a production start too', async () => {
    const result = await check(() => Promise.reject(new TypeError('Cannot find module ./amplify_outputs.json')), PRODUCTION);
    expect(result.exits).toEqual([1]);
    expect(result.errors).toEqual(['next-server-auth: the auth setup cannot work, stopping the server. TypeError: Cannot find module ./amplify_outputs.json']);
  });

  it('a valid setup is ready: discovery succeeds, nothing is logged, nothing stops', async () => {
    const load = authModule({ config: { oidc: { issuer: idp.issuer, clientId: 'web' } }, runtimeOptions: { secret: SECRET, origin: 'https://app.example.com' } });
    expect(await check(load, PRODUCTION, { discovery: 'fail' })).toEqual({ ready: true, errors: [], warnings: [], exits: [] });
  });

  it('an unreachable IdP is a warning with the discovery URL and the cause by default, and stops the start with discovery: fail', async () => {
    const port = await closedPort();
    const input = { config: { oidc: { issuer: `http://127.0.0.1:${port}`, clientId: 'web' } }, runtimeOptions: { secret: SECRET, origin: 'https://app.example.com' } };
    const why = `OpenID discovery at http://127.0.0.1:${port}/.well-known/openid-configuration failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`;

    const warned = await check(authModule(input), PRODUCTION);
    expect(warned).toEqual({ ready: true, errors: [], exits: [], warnings: [`next-server-auth: ${why}. The server starts; sign-in answers 503 until discovery succeeds.`] });

    const failed = await check(authModule(input), PRODUCTION, { discovery: 'fail' });
    expect(failed).toEqual({ ready: false, warnings: [], exits: [1], errors: [`next-server-auth: the auth setup cannot work, stopping the server. DiscoveryFailed: ${why}`] });

    expect(await check(authModule(input), PRODUCTION, { discovery: 'skip' })).toEqual({ ready: true, errors: [], warnings: [], exits: [] });
  });

  it('does nothing while next build runs', async () => {
    let loaded = false;
    const result = await check(() => {
      loaded = true;
      return {};
    }, { ...PRODUCTION, NEXT_PHASE: 'phase-production-build' });
    expect(result).toEqual({ ready: true, errors: [], warnings: [], exits: [] });
    expect(loaded).toBe(false);
  });

  it('a module without a runner export is loaded and says only that was checked', async () => {
    const result = await check(() => ({ helper: () => 1 }), PRODUCTION);
    expect(result.ready).toBe(true);
    expect(result.warnings).toEqual(['next-server-auth: assertAuthReady found no export of createServerRunner in the loaded module; only loading it was checked.']);
  });

  it('exitOnFailure: false logs without stopping even in production', async () => {
    const load = authModule({ config: { oidc: { issuer: idp.issuer, clientId: 'web' } }, runtimeOptions: { origin: 'https://app.example.com' } });
    const result = await check(load, PRODUCTION, { exitOnFailure: false });
    expect(result.exits).toEqual([]);
    expect(result.ready).toBe(false);
  });
});
