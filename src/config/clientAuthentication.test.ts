import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createServerRunner } from '../createServerRunner.js';
import { RUNNER_CHECK } from '../runnerCheck.js';
import type { RunnerCheck } from '../runnerCheck.js';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { AuthError } from '../errors/AuthError.js';
import { clientAuthenticationOf } from './clientOf.js';
import { loadClientKey } from './loadClientKey.js';
import { parseAuthConfig } from './parseAuthConfig.js';
import { parseClientKey } from './parseClientKey.js';
import type { OidcProviderConfig } from './types.js';

const ORIGIN = 'https://app.example.com';
const SECRET = 'a-client-secret-of-at-least-32-characters';

function parse(oidc: Partial<OidcProviderConfig['oidc']>) {
  return parseAuthConfig({ oidc: { issuer: 'https://idp.example.com', clientId: 'web', ...oidc } }, ORIGIN);
}

function errorOf(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected an AuthError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const rsa = await generateKeyPair('RS256', { extractable: true });
const ec = await generateKeyPair('ES256', { extractable: true });
const rsaPem = await exportPKCS8(rsa.privateKey);
const ecJwk = await exportJWK(ec.privateKey);

describe('oidc.clientAuthentication', () => {
  it('defaults: client_secret_basic with a secret, none without, private_key_jwt with a key; a plain config resolves as before', () => {
    const plain = parse({});
    expect(plain).not.toHaveProperty('clientAuthentication');
    expect(clientAuthenticationOf(plain)).toBe('none');
    expect(clientAuthenticationOf(parse({ clientSecret: 's' }))).toBe('client_secret_basic');
    expect(clientAuthenticationOf(parse({ clientPrivateKey: rsaPem }))).toBe('private_key_jwt');
    expect(clientAuthenticationOf(parse({ clientSecret: SECRET, clientAuthentication: 'client_secret_jwt' }))).toBe('client_secret_jwt');
  });

  it.each([
    ['oidc.clientAuthentication', 'an unknown method', { clientAuthentication: 'tls_client_auth' }, /must be one of/],
    ['oidc.clientSecret', 'a secret-less client_secret_jwt', { clientAuthentication: 'client_secret_jwt' }, /is required with clientAuthentication "client_secret_jwt"/],
    ['oidc.clientSecret', 'a secret-less client_secret_post', { clientAuthentication: 'client_secret_post' }, /is required/],
    ['oidc.clientSecret', 'a client_secret_jwt secret too short for HS256', { clientAuthentication: 'client_secret_jwt', clientSecret: 'short-secret' }, /at least 32 characters/],
    ['oidc.clientPrivateKey', 'a key-less private_key_jwt', { clientAuthentication: 'private_key_jwt' }, /is required with clientAuthentication "private_key_jwt"/],
    ['oidc.clientSecret', 'a secret on a public client', { clientAuthentication: 'none', clientSecret: SECRET }, /must not be given/],
    ['oidc.clientAuthentication', 'a secret and a key without a method', { clientSecret: SECRET, clientPrivateKey: rsaPem }, /is required when both/],
    ['oidc.pushedAuthorizationRequests', 'a non-boolean', { pushedAuthorizationRequests: 'yes' }, /must be true or false/],
  ])('names %s for %s', (field, _what, oidc, problem) => {
    const err = errorOf(() => parse(oidc as Partial<OidcProviderConfig['oidc']>));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(new RegExp(`^Invalid auth config: ${field.replace(/\./g, '\\.')} `));
    expect(err.message).toMatch(problem);
  });
});

describe('oidc.clientPrivateKey', () => {
  it('reads the signing algorithm from the key: RSA PEM RS256, EC P-256 ES256, Ed25519 EdDSA, an RSA JWK its alg', async () => {
    expect(parseClientKey(rsaPem).alg).toBe('RS256');
    expect(parseClientKey(await exportPKCS8(ec.privateKey)).alg).toBe('ES256');
    expect(parseClientKey(await exportPKCS8((await generateKeyPair('ES384', { extractable: true })).privateKey)).alg).toBe('ES384');
    const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    expect(parseClientKey(await exportPKCS8(ed.privateKey)).alg).toBe('EdDSA');
    expect(parseClientKey(await exportJWK(ed.privateKey)).alg).toBe('EdDSA');
    expect(parseClientKey(ecJwk).alg).toBe('ES256');
    expect(parseClientKey({ ...(await exportJWK(rsa.privateKey)), alg: 'PS256' }).alg).toBe('PS256');
    expect(parseClientKey(JSON.stringify(ecJwk)).alg).toBe('ES256');
  });

  it.each([
    ['a public JWK given as the private key', async () => exportJWK(ec.publicKey), /is a public key \(no "d"\)/],
    ['a public PEM given as the private key', async () => exportSPKI(rsa.publicKey), /is a public key: give the private key/],
    ['a certificate', async () => '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /is a certificate/],
    ['a PKCS#1 PEM', async () => '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----', /PKCS#1 PEM: convert it to PKCS#8/],
    ['an encrypted PEM', async () => '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----', /is encrypted/],
    ['a symmetric JWK', async () => ({ kty: 'oct', k: 'c2VjcmV0' }), /is a symmetric key/],
    ['garbage text', async () => 'not a key at all', /is neither a JWK nor a PEM/],
    ['broken JSON', async () => '{"kty":"EC",', /does not parse/],
    ['an RSA JWK without its CRT members', async () => ({ kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' }), /without "p", "q", "dp", "dq", "qi"/],
    ['an EC JWK whose alg does not fit its curve', async () => ({ ...ecJwk, alg: 'ES384' }), /cannot sign with/],
    ['an encryption key', async () => ({ ...ecJwk, use: 'enc' }), /"use"/],
    ['a PEM of an unsupported key type', async () => `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(0x30, 0x0a, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e))}\n-----END PRIVATE KEY-----`, /unsupported type/],
    ['a number', async () => 42, /must be a private JWK/],
    ['a truncated PEM', async () => `-----BEGIN PRIVATE KEY-----\n${rsaPem.trim().split('\n').slice(1, -2).join('')}\n-----END PRIVATE KEY-----`, /not a well-formed PKCS#8 key/],
  ])('refuses %s, naming oidc.clientPrivateKey and never echoing key material', async (_what, make, problem) => {
    const value = await make();
    const err = errorOf(() => parse({ clientPrivateKey: value as JsonWebKey }));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(/^Invalid auth config: oidc\.clientPrivateKey /);
    expect(err.message).toMatch(problem);
    if (typeof value === 'object' && value !== null && 'x' in value) expect(err.message).not.toContain((value as { x: string }).x);
  });

  it('a PEM whose key bytes are corrupt passes parsing but fails to load with InvalidConfig naming the field, without the key bytes', async () => {
    const body = rsaPem.trim().split('\n').slice(1, -1).join('');
    // Keep the PKCS#8 header (algorithm) intact, damage the key material.
    const damaged = `${body.slice(0, 80)}${'A'.repeat(body.length - 160)}${body.slice(-80)}`;
    const pem = `-----BEGIN PRIVATE KEY-----\n${damaged}\n-----END PRIVATE KEY-----`;
    const config = parse({ clientPrivateKey: pem });
    const err = await rejectionOf(loadClientKey(config.clientKey!));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(/^Invalid auth config: oidc\.clientPrivateKey could not be imported as a RS256 private key/);
    expect(err.message).not.toContain(body.slice(0, 40));
  });

  it('a key that does not import fails the start-up check (assertAuthReady) and is logged at start-up, naming the field and no key bytes', async () => {
    const body = rsaPem.trim().split('\n').slice(1, -1).join('');
    const pem = `-----BEGIN PRIVATE KEY-----\n${body.slice(0, 80)}${'A'.repeat(body.length - 160)}${body.slice(-80)}\n-----END PRIVATE KEY-----`;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const runner = createServerRunner({ config: { oidc: { issuer: 'https://idp.example.com', clientId: 'web', clientPrivateKey: pem } }, runtimeOptions: { secret: 'x'.repeat(32), origin: ORIGIN } });
      const check = (runner.createAuthGuard as unknown as { [RUNNER_CHECK]: RunnerCheck })[RUNNER_CHECK];
      await expect(check({ discovery: false })).rejects.toMatchObject({ code: 'InvalidConfig', message: expect.stringMatching(/^Invalid auth config: oidc\.clientPrivateKey could not be imported/) });
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]![0])).toMatch(/^next-server-auth: Invalid auth config: oidc\.clientPrivateKey could not be imported/);
      expect(String(logged.mock.calls[0]![0])).not.toContain(body.slice(0, 40));
    } finally {
      logged.mockRestore();
    }
  });

  it('an RSA key shorter than 2048 bits fails to load', async () => {
    // jose refuses to generate one: node:crypto does.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const config = parse({ clientPrivateKey: privateKey });
    const err = await rejectionOf(loadClientKey(config.clientKey!));
    expect(err.message).toMatch(/oidc\.clientPrivateKey is an RSA key of 1024 bits/);
  });

  it('loads once per config: the same imported key for every request', async () => {
    const config = parse({ clientPrivateKey: ecJwk as JsonWebKey });
    const [a, b] = await Promise.all([loadClientKey(config.clientKey!), loadClientKey(config.clientKey!)]);
    expect(a).toBe(b);
    expect(a.key.extractable).toBe(false);
    expect(a.key.type).toBe('private');
  });
});
