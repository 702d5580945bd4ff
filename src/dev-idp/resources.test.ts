import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CLIENT_ID, REDIRECT_URI } from './__tests__/helpers.js';
import { CliUsageError, parseCliArgs } from './parseCliArgs.js';
import { resolveOptions } from './resolveOptions.js';
import { startDevIdp } from './startDevIdp.js';
import type { DevIdp } from './types.js';

const API = 'https://api.example.test';

describe('dev IdP resources option (RFC 8707)', () => {
  it('--resource takes a URI and the scopes that API accepts (repeatable)', () => {
    const { options } = parseCliArgs(['--resource', `${API} a:read a:write`, '--resource', 'https://b.example.test'], {});
    expect(options.resources).toEqual({ [API]: { scope: 'a:read a:write' }, 'https://b.example.test': { scope: '' } });
  });

  it('a resource that is not an absolute URI, or has a fragment, or a bad lifetime, is refused at start-up naming it', () => {
    expect(() => parseCliArgs(['--resource', 'orders a:read'], {})).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--resource', `${API}#x`], {})).toThrow(/fragment/);
    expect(() => resolveOptions({ resources: { [`${API}#x`]: {} } })).toThrow(/resources: .*fragment/);
    expect(() => resolveOptions({ resources: { [API]: { accessTokenTtl: 0 } } })).toThrow(/accessTokenTtl/);
    expect(() => resolveOptions({ resources: { [API]: { scope: 7 as unknown as string } } })).toThrow(/scope/);
    expect(resolveOptions({ accessTokenTtl: 60, resources: { [API]: {} } }).resources).toEqual({ [API]: { scope: '', accessTokenTtl: 60 } });
  });
});

describe('dev IdP resources: the provider enforces them', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, quiet: true, mode: 'oidc', resources: { [API]: { scope: 'a:read' } } });
  });
  afterAll(() => idp?.close());

  it('an authorization request naming a resource the IdP does not know is answered with invalid_target (RFC 8707 §2)', async () => {
    const url = new URL(`${idp.issuer}/oauth2/authorize`);
    const params = {
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid a:read',
      state: 'state-1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    url.searchParams.append('resource', 'https://unknown.example.test');
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).toBeLessThan(400);
    const back = new URL(response.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(REDIRECT_URI);
    expect(back.searchParams.get('error')).toBe('invalid_target');
    expect(back.searchParams.get('state')).toBe('state-1');
  });
});
