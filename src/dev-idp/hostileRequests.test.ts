// Requests a hostile web page can make the victim's browser send to the dev IdP
// on loopback. Real HTTP against a real startDevIdp; node:http because fetch
// does not let a caller choose the Host header.
import { request } from 'node:http';
import { connect } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { isCrossSiteRequest } from './isCrossSiteRequest.js';
import { isIssuerHost } from './isIssuerHost.js';
import { startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { CLIENT_ID, refresh } from './__tests__/helpers.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let idp: DevIdp;

function send(method: string, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: idp.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A token call the stats count, so a reset is visible. */
async function countOneTokenCall(): Promise<void> {
  await refresh(idp.issuer, 'not-a-refresh-token');
  expect(idp.stats().tokenCalls.total).toBe(1);
}

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true });
});
afterAll(async () => {
  await idp.close();
});
beforeEach(() => {
  idp.resetStats();
});

describe('DNS rebinding', () => {
  it.each([
    ['GET', '/.well-known/openid-configuration'],
    ['GET', '/.well-known/jwks.json'],
    ['GET', `/oauth2/authorize?client_id=${CLIENT_ID}&response_type=code&scope=openid`],
    ['GET', '/login'],
    ['GET', '/dev/stats'],
    ['POST', '/oauth2/token'],
    ['GET', '/logout'],
  ])('DNS-rebinding request with a foreign Host is refused: %s %s', async (method, path) => {
    const response = await send(method, path, { host: `evil.example:${idp.port}` });
    expect(response.status).toBe(421);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.body).toBe(`Misdirected request: this development IdP answers only to 127.0.0.1:${idp.port}`);
    expect(idp.stats().tokenCalls.total).toBe(0);
  });

  it('DNS-rebinding POST /dev/stats/reset with a foreign Host is refused and resets nothing', async () => {
    await countOneTokenCall();
    const response = await send('POST', '/dev/stats/reset', { host: 'evil.example' });
    expect(response.status).toBe(421);
    expect(idp.stats().tokenCalls.total).toBe(1);
  });

  it.each(['evil.example', '127.0.0.1.evil.example:PORT', '127.0.0.1:1', 'localhost:PORT', '[::1]:PORT', '127.0.0.2:PORT', ''])(
    'a Host other than the issuer host:port is refused, even another loopback name: "%s"',
    async (host) => {
      const response = await send('GET', '/.well-known/openid-configuration', { host: host.replace('PORT', String(idp.port)) });
      expect(response.status).toBe(421);
      expect(response.body).not.toContain('issuer');
    },
  );

  it('an HTTP/1.0 request without a Host header is refused', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(idp.port, '127.0.0.1', () => socket.end('GET /.well-known/openid-configuration HTTP/1.0\r\n\r\n'));
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.[01] 421 /);
    expect(raw).not.toContain('"issuer"');
  });

  it("answers the issuer's own host, in any letter case", async () => {
    for (const host of [`127.0.0.1:${idp.port}`, `127.0.0.1:${idp.port}`.toUpperCase()]) {
      const response = await send('GET', '/.well-known/openid-configuration', { host });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ issuer: idp.issuer });
    }
  });
});

describe('cross-site requests to /dev routes', () => {
  const own = (): Record<string, string> => ({ host: `127.0.0.1:${idp.port}` });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['the app’s own origin (another site)', { origin: 'http://localhost:3000' }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another port on loopback)', { 'sec-fetch-site': 'same-site' }],
    ['the issuer’s Origin but Sec-Fetch-Site: cross-site', { origin: 'ORIGIN', 'sec-fetch-site': 'cross-site' }],
  ])('cross-site POST to /dev/stats/reset is refused: %s', async (_label, extra: Record<string, string>) => {
    await countOneTokenCall();
    const headers = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.replace('ORIGIN', idp.issuer)]));
    const response = await send('POST', '/dev/stats/reset', { ...own(), ...headers });
    expect(response.status).toBe(403);
    expect(response.body).toBe('Forbidden: cross-site request to a dev route');
    expect(idp.stats().tokenCalls.total).toBe(1);
  });

  it('cross-site POST to an unknown /dev path is refused before routing', async () => {
    const response = await send('POST', '/dev/users', { ...own(), origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it.each([
    ['the issuer’s Origin', { origin: 'ORIGIN' }],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin', origin: 'ORIGIN' }],
    ['no Origin and no Sec-Fetch-Site (a non-browser client)', {}],
  ])('a same-origin POST to /dev/stats/reset resets: %s', async (_label, extra: Record<string, string>) => {
    await countOneTokenCall();
    const headers = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.replace('ORIGIN', idp.issuer)]));
    const response = await send('POST', '/dev/stats/reset', { ...own(), ...headers });
    expect(response.status).toBe(200);
    expect(idp.stats().tokenCalls.total).toBe(0);
  });

  it('fetch from Node (no Origin) still resets the stats', async () => {
    await countOneTokenCall();
    expect((await fetch(`${idp.issuer}/dev/stats/reset`, { method: 'POST' })).status).toBe(200);
    expect(idp.stats().tokenCalls.total).toBe(0);
  });
});

describe('isIssuerHost and isCrossSiteRequest', () => {
  it('compare against the issuer exactly, port 80 spelled or not', () => {
    expect(isIssuerHost('127.0.0.1:3200', 'http://127.0.0.1:3200')).toBe(true);
    expect(isIssuerHost('[::1]:3200', 'http://[::1]:3200')).toBe(true);
    expect(isIssuerHost('LocalHost:3200', 'http://localhost:3200')).toBe(true);
    expect(isIssuerHost('127.0.0.1', 'http://127.0.0.1:80')).toBe(true);
    expect(isIssuerHost('127.0.0.1:80', 'http://127.0.0.1:80')).toBe(true);
    expect(isIssuerHost('127.0.0.1', 'http://127.0.0.1:3200')).toBe(false);
    expect(isIssuerHost('127.0.0.1:3200.', 'http://127.0.0.1:3200')).toBe(false);
    expect(isIssuerHost('localhost.:3200', 'http://localhost:3200')).toBe(false);
    expect(isIssuerHost(undefined, 'http://127.0.0.1:3200')).toBe(false);
  });

  it('treat only a missing Origin and Sec-Fetch-Site as a non-browser client', () => {
    const issuer = 'http://127.0.0.1:3200';
    expect(isCrossSiteRequest({}, issuer)).toBe(false);
    expect(isCrossSiteRequest({ origin: issuer, 'sec-fetch-site': 'same-origin' }, issuer)).toBe(false);
    expect(isCrossSiteRequest({ 'sec-fetch-site': 'none' }, issuer)).toBe(false);
    expect(isCrossSiteRequest({ origin: 'http://127.0.0.1:3201' }, issuer)).toBe(true);
    expect(isCrossSiteRequest({ origin: `${issuer}/` }, issuer)).toBe(true);
    expect(isCrossSiteRequest({ origin: '' }, issuer)).toBe(true);
  });
});
