import { describe, expect, it } from 'vitest';

import { formatAppSetup } from './formatAppSetup.js';
import { CliUsageError, parseCliArgs } from './parseCliArgs.js';
import { resolveOptions } from './resolveOptions.js';
import type { DevIdpClient } from './types.js';

const base = { clientId: 'app', redirectUris: ['http://localhost:3000/cb'], postLogoutRedirectUris: [] };
const client = (extra: Partial<DevIdpClient>) => resolveOptions({ clients: [{ ...base, ...extra } as DevIdpClient] }).clients[0]!;
const SECRET = 'dev-idp-client-secret-0123456789abcdef';

describe('dev IdP client authentication and PAR options', () => {
  it('keeps the method, the JWKS and the PAR requirement of a client; the global requirement defaults to false', () => {
    expect(client({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://localhost:3000/api/auth/jwks', requirePushedAuthorizationRequests: true })).toMatchObject({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwksUri: 'http://localhost:3000/api/auth/jwks',
      requirePushedAuthorizationRequests: true,
    });
    expect(client({ clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_jwt' }).tokenEndpointAuthMethod).toBe('client_secret_jwt');
    expect(resolveOptions({}).requirePushedAuthorizationRequests).toBe(false);
    expect(resolveOptions({ requirePushedAuthorizationRequests: true }).requirePushedAuthorizationRequests).toBe(true);
  });

  it.each([
    ['an unknown method', { tokenEndpointAuthMethod: 'tls_client_auth' }, /tokenEndpointAuthMethod must be one of/],
    ['private_key_jwt without keys', { tokenEndpointAuthMethod: 'private_key_jwt' }, /jwksUri or clients\[0\]\.jwks is required/],
    ['both jwksUri and jwks', { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://localhost:3000/jwks', jwks: { keys: [] } }, /jwksUri or jwks, not both/],
    ['a jwksUri that is not http(s)', { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'file:///etc/passwd' }, /jwksUri must be an absolute http\(s\) URL/],
    ['a secret method without a secret', { tokenEndpointAuthMethod: 'client_secret_jwt' }, /clientSecret is required/],
    ['none with a secret', { tokenEndpointAuthMethod: 'none', clientSecret: SECRET }, /must not be given/],
    ['a non-boolean PAR requirement', { requirePushedAuthorizationRequests: 'yes' }, /requirePushedAuthorizationRequests must be true or false/],
  ])('refuses %s, naming the client field', (_what, extra, message) => {
    expect(() => client(extra as Partial<DevIdpClient>)).toThrow(message);
  });

  it('--require-par requires PAR of every client; --private-key-jwt registers the app as a private_key_jwt client fetching <origin>/api/auth/jwks', () => {
    expect(parseCliArgs(['--require-par'], {}).options.requirePushedAuthorizationRequests).toBe(true);
    const { options } = parseCliArgs(['--app-origin', 'http://localhost:3000', '--private-key-jwt'], {});
    expect(options.clients?.[0]).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://localhost:3000/api/auth/jwks' });
    expect(() => parseCliArgs(['--private-key-jwt'], {})).toThrow(CliUsageError);
  });

  it('the printed app setup of a private_key_jwt client asks for clientAuthentication and the key, and says where the IdP fetches it', () => {
    const { options, appOrigin } = parseCliArgs(['--app-origin', 'http://localhost:3000', '--private-key-jwt', '--mode', 'oidc'], {});
    const text = formatAppSetup({ issuer: 'http://127.0.0.1:3200', mode: 'oidc', client: options.clients![0]!, appOrigin: appOrigin! });
    expect(text).toContain('authenticating with private_key_jwt (public key fetched from http://localhost:3000/api/auth/jwks)');
    expect(text).toContain("clientAuthentication: 'private_key_jwt',");
    expect(text).toContain('clientPrivateKey: process.env.CLIENT_PRIVATE_KEY');
    expect(text).not.toContain('public client');
  });
});
