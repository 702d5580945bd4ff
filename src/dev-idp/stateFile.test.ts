import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runAuthorizationCodeFlow } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import { signInWithPassword, startDevIdp } from './index.js';
import { alice, refresh, userInfo, verifyJwt } from './__tests__/helpers.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dev-idp-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function kidOf(issuer: string): Promise<string> {
  const { keys } = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  return keys[0]?.kid ?? '';
}

describe('stateFile', () => {
  it('keeps keys, users, sessions and refresh tokens across a restart', async () => {
    const stateFile = join(dir, 'nested', 'state.json');
    const first = await startDevIdp({ port: 0, quiet: true, stateFile });
    const jar = new CookieJar();
    let tokens;
    let kid;
    try {
      tokens = await runAuthorizationCodeFlow(jar, alice(first.issuer));
      await first.addUser({ username: 'heidi@example.com', password: 'heidi-password' });
      kid = await kidOf(first.issuer);
    } finally {
      await first.close();
    }
    const saved = readFileSync(stateFile, 'utf8');
    expect(saved).not.toContain('heidi-password');
    expect(saved).toContain('heidi@example.com');

    // Same port, so the issuer (and token iss) is unchanged.
    const second = await startDevIdp({ port: first.port, quiet: true, stateFile });
    try {
      expect(second.issuer).toBe(first.issuer);
      expect(await kidOf(second.issuer)).toBe(kid);
      const refreshed = await refresh(second.issuer, tokens.refreshToken!);
      expect(refreshed.status).toBe(200);
      expect((await verifyJwt(second.issuer, refreshed.body.access_token as string, 'at+jwt')).kid).toBe(kid);
      // Access tokens issued before the restart still work at userInfo.
      expect((await userInfo(second.issuer, tokens.accessToken)).status).toBe(200);
      // The IdP browser session survived: no password needed.
      expect((await runAuthorizationCodeFlow(jar, alice(second.issuer))).promptedForPassword).toBe(false);
      await expect(
        signInWithPassword(alice(second.issuer, { username: 'heidi@example.com', password: 'heidi-password' })),
      ).resolves.toBeDefined();
    } finally {
      await second.close();
    }
  });

  it('without a stateFile, a restart forgets everything', async () => {
    const first = await startDevIdp({ port: 0, quiet: true });
    const { refreshToken } = await signInWithPassword(alice(first.issuer));
    const kid = await kidOf(first.issuer);
    await first.close();
    const second = await startDevIdp({ port: first.port, quiet: true });
    try {
      expect(await kidOf(second.issuer)).not.toBe(kid);
      expect((await refresh(second.issuer, refreshToken!)).body.error).toBe('invalid_grant');
    } finally {
      await second.close();
    }
  });

  it('refuses a state file that is not one', async () => {
    const stateFile = join(dir, 'state.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(stateFile, '{"hello":"world"}');
    await expect(startDevIdp({ port: 0, quiet: true, stateFile })).rejects.toThrow(/unknown format/);
  });
});
