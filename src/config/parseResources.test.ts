import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from './parseAuthConfig.js';

const ORIGIN = 'http://localhost:3000';
const parse = (resources: unknown) => parseAuthConfig({ oidc: { issuer: 'https://idp.example.com', clientId: 'web', resources: resources as string[] } }, ORIGIN);

describe('oidc.resources (RFC 8707 resource indicators)', () => {
  it('absolute URIs are kept exactly as written; absent is none', () => {
    expect(parse(['https://orders.example.com', 'urn:example:billing']).resources).toEqual(['https://orders.example.com', 'urn:example:billing']);
    expect(parseAuthConfig({ oidc: { issuer: 'https://idp.example.com', clientId: 'web' } }, ORIGIN).resources).toBeUndefined();
  });

  it.each([
    ['a string, not a list', 'https://orders.example.com', /oidc\.resources must be a list/],
    ['a relative reference', ['/orders'], /oidc\.resources must hold absolute URIs/],
    ['a non-string', [42], /oidc\.resources must hold absolute URIs/],
    ['a fragment', ['https://orders.example.com/#x'], /oidc\.resources must not hold a fragment/],
    ['a repeat', ['https://orders.example.com', 'https://orders.example.com'], /oidc\.resources must not repeat/],
  ])('%s is InvalidConfig naming oidc.resources', (_name, value, message) => {
    expect(() => parse(value)).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringMatching(message) }));
  });
});
