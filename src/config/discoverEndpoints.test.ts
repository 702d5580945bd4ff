import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { AuthError } from '../errors/AuthError.js';
import { discoverEndpoints } from './discoverEndpoints.js';
import { parseAuthConfig } from './parseAuthConfig.js';
import { closedPort } from './__tests__/closedPort.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_SECRET = 'client-secret-that-must-never-be-logged';

function configFor(issuer: string) {
  return parseAuthConfig({ oidc: { issuer, clientId: 'web', clientSecret: CLIENT_SECRET } }, ORIGIN);
}

async function failureOf(issuer: string, timeoutMs = 5000): Promise<AuthError> {
  try {
    await discoverEndpoints(configFor(issuer), { timeoutMs });
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected discovery to fail');
}

describe('discoverEndpoints: a failure says which URL and why, never a secret', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, quiet: true });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it('discovers the dev IdP', async () => {
    const endpoints = await discoverEndpoints(configFor(idp.issuer), { timeoutMs: 5000 });
    expect(endpoints.token).toBe(`${idp.issuer}/oauth2/token`);
  });

  it('a wrong issuer path names the discovery URL and the HTTP status', async () => {
    const error = await failureOf(`${idp.issuer}/realms/app`);
    expect(error.code).toBe('DiscoveryFailed');
    expect(error.message).toBe(`OpenID discovery at ${idp.issuer}/realms/app/.well-known/openid-configuration failed: HTTP 404 Not Found`);
  });

  it('an IdP that is not running names the URL and the connection error', async () => {
    const port = await closedPort();
    const error = await failureOf(`http://127.0.0.1:${port}`);
    expect(error.code).toBe('DiscoveryFailed');
    expect(error.message).toBe(`OpenID discovery at http://127.0.0.1:${port}/.well-known/openid-configuration failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it('a document for another issuer names both issuers', async () => {
    // A server that hands out the dev IdP's document as its own (a proxy set up with the wrong issuer).
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: idp.issuer }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxyIssuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await failureOf(proxyIssuer);
      expect(error.message).toBe(
        `OpenID discovery at ${proxyIssuer}/.well-known/openid-configuration failed: the document's issuer is "${idp.issuer}", expected "${proxyIssuer}/"`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an IdP that never answers is a timeout, named as such', async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await failureOf(issuer, 200);
      expect(error.message).toBe(`OpenID discovery at ${issuer}/.well-known/openid-configuration failed: no answer before the timeout (runtimeOptions.httpTimeoutMs)`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('credentials in the issuer URL and the client secret never reach the message', async () => {
    const port = await closedPort();
    const error = await failureOf(`http://admin:hunter2-password@127.0.0.1:${port}/realms/app`);
    expect(error.message).toContain(`http://127.0.0.1:${port}/realms/app/.well-known/openid-configuration`);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('admin');
    expect(error.message).not.toContain(CLIENT_SECRET);
  });
});
