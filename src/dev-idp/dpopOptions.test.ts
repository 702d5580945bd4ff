import { describe, expect, it } from 'vitest';
import { dpopNonces } from './dpopNonces.js';
import { signInWithPassword, startDevIdp } from './index.js';
import { parseCliArgs } from './parseCliArgs.js';
import { resolveOptions } from './resolveOptions.js';

describe('dev IdP dpop option', () => {
  it('--dpop and --dpop-require-nonce set the option', () => {
    expect(parseCliArgs(['--mode', 'oidc', '--dpop'], {}).options).toMatchObject({ mode: 'oidc', dpop: true });
    expect(parseCliArgs(['--mode', 'oidc', '--dpop-require-nonce'], {}).options).toMatchObject({ dpop: { requireNonce: true } });
    expect(parseCliArgs([], {}).options.dpop).toBeUndefined();
  });

  it('is oidc mode only, and true, false or { requireNonce: boolean }', () => {
    expect(() => resolveOptions({ dpop: true })).toThrow(/dpop needs mode "oidc"/);
    expect(() => resolveOptions({ mode: 'oidc', dpop: 'yes' as unknown as boolean })).toThrow(/dpop must be true, false or \{ requireNonce: boolean \}/);
    expect(() => resolveOptions({ mode: 'oidc', dpop: { requireNonce: 'yes' as unknown as boolean } })).toThrow(/dpop must be/);
    expect(resolveOptions({ mode: 'oidc' }).dpop).toBeUndefined();
    expect(resolveOptions({ mode: 'oidc', dpop: false }).dpop).toBeUndefined();
    const on = resolveOptions({ mode: 'oidc', dpop: { requireNonce: true } }).dpop!;
    expect(on.requireNonce).toBe(true);
    expect(on.nonceSecret).toHaveLength(32);
    expect(resolveOptions({ mode: 'oidc', dpop: true }).dpop!.requireNonce).toBe(false);
  });

  it('nonces: the one handed out is accepted for a few minutes, then refused; another secret\'s never', () => {
    let t = 1_800_000_000_000;
    const secret = Buffer.alloc(32, 7);
    const nonces = dpopNonces(secret, () => t);
    const nonce = nonces.next();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nonces.check(nonce)).toBe(true);
    t += 3 * 60_000;
    expect(nonces.check(nonce)).toBe(true);
    t += 2 * 60_000;
    expect(nonces.check(nonce)).toBe(false);
    expect(dpopNonces(Buffer.alloc(32, 8), () => t).check(dpopNonces(secret, () => t).next())).toBe(false);
  });

  it('a client with dpopBoundAccessTokens: false is not bound (Bearer code exchange works); the default client is refused without a proof', async () => {
    expect(() => resolveOptions({ mode: 'oidc', dpop: true, clients: [{ clientId: 'c', redirectUris: ['http://localhost:3000/cb'], postLogoutRedirectUris: [], dpopBoundAccessTokens: 'no' as unknown as boolean }] })).toThrow(
      /clients\[0\]\.dpopBoundAccessTokens must be true or false/,
    );
    const redirectUri = 'http://localhost:3000/cb';
    const idp = await startDevIdp({
      port: 0,
      quiet: true,
      mode: 'oidc',
      dpop: true,
      clients: [
        { clientId: 'bearer', redirectUris: [redirectUri], postLogoutRedirectUris: [], dpopBoundAccessTokens: false },
        { clientId: 'bound', redirectUris: [redirectUri], postLogoutRedirectUris: [] },
      ],
    });
    try {
      const signIn = (clientId: string) => signInWithPassword({ issuer: idp.issuer, clientId, redirectUri, username: 'alice@example.com', password: 'alice-password' });
      const tokens = await signIn('bearer');
      expect(tokens.accessToken.split('.')).toHaveLength(3);
      await expect(signIn('bound')).rejects.toThrow();
    } finally {
      await idp.close();
    }
  });
});
