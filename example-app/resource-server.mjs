// The example's resource server: a small loopback API that the app's
// /api/proxy/notes route calls with the signed-in user's access token. It
// stands for "your API": it trusts nothing but a valid access token, checked
// with jose against the IdP's published keys.
//
//   node example-app/resource-server.mjs       (`npm start` runs it)
//
// Environment: RESOURCE_PORT (@default 3400), DEV_IDP_ISSUER (@default
// http://127.0.0.1:3200), AUTH_CLIENT_ID (@default next-server-auth-example).
//
//   GET /notes          → 200 { sub, username, notes: [...] } for a valid access token;
//                         401 + WWW-Authenticate: Bearer error="invalid_token" otherwise
//   GET /stats          → { requests, byPath, authorized, rejected, distinctTokens, lastTokenSha256 }
//                         (for tests: counts and a hash, never a token)
//   POST /stats/reset   → 204
//
// Loopback only: it listens on 127.0.0.1 and answers nothing else.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const port = Number(process.env.RESOURCE_PORT ?? 3400);
const issuer = process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200';
const clientId = process.env.AUTH_CLIENT_ID ?? 'next-server-auth-example';

// The keys come from the issuer's discovery document, fetched on first use
// (the IdP may start after this server); jose caches them and refetches on an
// unknown `kid`.
let jwks;
async function keys() {
  if (!jwks) {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const { jwks_uri: jwksUri } = await res.json();
    jwks = createRemoteJWKSet(new URL(jwksUri));
  }
  return jwks;
}

/** The access token's claims, or undefined when it is not a valid access token of this app's client. */
async function verifyAccessToken(token) {
  try {
    const { payload } = await jwtVerify(token, await keys(), { issuer, algorithms: ['RS256', 'ES256', 'PS256'] });
    // An ID token is signed by the same keys: only access tokens issued to this app's client pass.
    if (payload.client_id !== clientId) return undefined;
    if (payload.token_use !== undefined && payload.token_use !== 'access') return undefined;
    if (typeof payload.sub !== 'string') return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

const NOTES = [
  { id: 1, title: 'Welcome', body: 'Loaded from the resource server through /api/proxy/notes.' },
  { id: 2, title: 'No token in the browser', body: 'The app attached your access token on the server; this page never saw it.' },
  { id: 3, title: 'Groceries', body: 'Oat milk, coffee, lemons.' },
];

const stats = { requests: 0, byPath: {}, authorized: 0, rejected: 0 };
// Hashes only: the tests ask how many different tokens arrived, never which.
const tokenHashes = new Set();
let lastTokenSha256 = null;

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/stats' && req.method === 'GET') return send(res, 200, { ...stats, distinctTokens: tokenHashes.size, lastTokenSha256 });
  if (path === '/stats/reset' && req.method === 'POST') {
    Object.assign(stats, { requests: 0, byPath: {}, authorized: 0, rejected: 0 });
    tokenHashes.clear();
    lastTokenSha256 = null;
    return send(res, 204);
  }
  if (path === '/health') return send(res, 200, { ok: true });

  stats.requests += 1;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(req.headers.authorization ?? '');
  if (match) {
    lastTokenSha256 = createHash('sha256').update(match[1]).digest('base64url');
    tokenHashes.add(lastTokenSha256);
  }
  const claims = match ? await verifyAccessToken(match[1]) : undefined;
  if (!claims) {
    stats.rejected += 1;
    return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
  stats.authorized += 1;
  if (path !== '/notes' || req.method !== 'GET') return send(res, 404, { error: 'not_found' });
  const username = typeof claims.username === 'string' ? claims.username : typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
  return send(res, 200, { sub: claims.sub, username, notes: NOTES });
});

// stderr: stdout may be ignored by whoever started it (Playwright's webServer).
server.listen(port, '127.0.0.1', () => console.error(`[resource server] http://127.0.0.1:${port} (tokens from ${issuer})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
