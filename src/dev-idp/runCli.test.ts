import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { loadOidcProvider, MISSING_OIDC_PROVIDER } from './loadOidcProvider.js';
import { APP_ORIGIN_HINT, runCli } from './runCli.js';
import { startDevIdp } from './startDevIdp.js';
import type { DevIdp } from './types.js';

let running: DevIdp | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function cli(argv: string[], env: Record<string, string | undefined> = {}, start = (o: Parameters<typeof startDevIdp>[0]) => startDevIdp({ ...o, quiet: true })) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runCli(argv, env, { log: (t) => out.push(t), error: (t) => err.push(t), start });
  if ('idp' in result) running = result.idp;
  return { result, out: out.join('\n'), err: err.join('\n') };
}

describe('next-server-auth-dev-idp --app-origin', () => {
  it('prints the exact auth.ts for a cognito-mode IdP, with flavor cognito, and the .env.local lines', async () => {
    const { result, out, err } = await cli(['--port', '0', '--app-origin', 'http://localhost:3000']);
    expect(err).toBe('');
    expect('idp' in result).toBe(true);
    const issuer = running!.issuer;
    expect(out).toContain(
      [
        "import { createServerRunner } from 'next-server-auth';",
        '',
        'export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, signIn, signOut } = createServerRunner({',
        '  config: {',
        '    oidc: {',
        `      issuer: '${issuer}',`,
        "      clientId: 'local-app',",
        "      flavor: 'cognito', // this IdP runs in cognito mode: groups from cognito:groups, sign-out through Cognito's /logout",
        '    },',
        '  },',
        '});',
      ].join('\n'),
    );
    expect(out).toContain('npm i -D oidc-provider');
    expect(out).toContain('sign-in callback   http://localhost:3000/api/auth/sign-in-callback');
    expect(out).toContain('after sign-out     http://localhost:3000/api/auth/sign-out-callback, http://localhost:3000/');
    expect(out).toContain('\nAUTH_ORIGIN=http://localhost:3000\n');
    expect(out).toContain('# AUTH_SECRET=<at least 32 random characters: openssl rand -base64 32>');
    expect(out).toContain('alice@example.com / alice-password');
    // The printout holds no secret: the only AUTH_SECRET line is a commented hint.
    expect(out.match(/^AUTH_SECRET=/m)).toBeNull();
  });

  it('prints flavor generic for an oidc-mode IdP, and the --client-id and --users given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsa-cli-'));
    const users = join(dir, 'users.json');
    writeFileSync(users, JSON.stringify([{ username: 'carol@example.com', password: 'carol-password' }]));
    const { out } = await cli(['--port', '0', '--mode', 'oidc', '--app-origin', 'http://localhost:4000', '--client-id', "o'brien", '--users', users], {});
    rmSync(dir, { recursive: true, force: true });
    expect(out).toContain("      clientId: 'o\\'brien',");
    expect(out).toContain(`as one of the users in ${users}.`);
    expect(out).not.toContain('alice@example.com');
    expect(out).toContain("      flavor: 'generic', // this IdP runs in oidc mode");
    expect(out).toContain('AUTH_ORIGIN=http://localhost:4000');
  });

  it('without --app-origin prints only a hint about it', async () => {
    const { out, result } = await cli(['--port', '0']);
    expect('idp' in result).toBe(true);
    expect(out).toBe(APP_ORIGIN_HINT);
    expect(out).toContain('--app-origin http://localhost:3000');
  });

  it('--identity-pool ID --identity-pool-guests: the IdP answers GetId for that pool only, guests allowed, and says so', async () => {
    const id = 'us-east-1:11111111-2222-4333-8444-555555555555';
    const { out, result } = await cli(['--port', '0', '--identity-pool', id, '--identity-pool-guests']);
    expect('idp' in result).toBe(true);
    expect(out).toContain(`identity pool      ${id} (guests allowed)`);
    const getId = (IdentityPoolId: string) =>
      fetch(`${running!.issuer}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
        body: JSON.stringify({ IdentityPoolId }),
      });
    const guest = await getId(id);
    expect(guest.status).toBe(200);
    expect(((await guest.json()) as { IdentityId: string }).IdentityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    const other = await getId('us-east-1:00000000-0000-4000-8000-000000000000');
    expect(other.status).toBe(400);
    expect(other.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException/);
  });

  it('--app-origin with --identity-pool prints the identity pool in the setup text', async () => {
    const { out } = await cli(['--port', '0', '--app-origin', 'http://localhost:3000', '--identity-pool', 'us-east-1:00000000-0000-4000-8000-000000000000']);
    expect(out).toContain("identity pool      us-east-1:00000000-0000-4000-8000-000000000000 (signed-in users only): amplify_outputs.json's identity_pool_id");
  });

  it('fails with exit code 1 and the exact install hint when oidc-provider is missing', async () => {
    // What Node's ESM loader throws for a package that is not installed.
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'oidc-provider' imported from cli.js"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const { result, err } = await cli(['--port', '0', '--app-origin', 'http://localhost:3000'], {}, async () => {
      await loadOidcProvider(missing);
      throw new Error('unreachable');
    });
    expect(result).toEqual({ exitCode: 1 });
    expect(err).toBe(`next-server-auth-dev-idp: ${MISSING_OIDC_PROVIDER}`);
    expect(MISSING_OIDC_PROVIDER).toContain('npm i -D oidc-provider');
  });

  it('an oidc-provider that is installed but fails to load keeps its own error (no misleading install hint)', async () => {
    const broken = () => Promise.reject(new SyntaxError('Unexpected token'));
    const { result, err } = await cli(['--port', '0'], {}, async () => {
      await loadOidcProvider(broken);
      throw new Error('unreachable');
    });
    expect(result).toEqual({ exitCode: 1 });
    expect(err).toBe('next-server-auth-dev-idp: The next-server-auth dev IdP could not load "oidc-provider": Unexpected token');
  });

  it('a bad --app-origin is a usage error (exit 2) that starts nothing', async () => {
    let started = false;
    const { result, err } = await cli(['--app-origin', 'localhost:3000'], {}, async () => {
      started = true;
      throw new Error('unreachable');
    });
    expect(result).toEqual({ exitCode: 2 });
    expect(started).toBe(false);
    expect(err).toMatch(/^next-server-auth-dev-idp: --app-origin must be an http\(s\) origin such as http:\/\/localhost:3000/);
  });
});
