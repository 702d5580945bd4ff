import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCookieStoreFromFetchApi } from '../../src/cookies/createCookieStoreFromFetchApi.js';
import { createAmplifyCodec } from '../../src/session/createAmplifyCodec.js';
import type { TokenVerifier } from '../../src/tokens/TokenVerifier.js';

// What Chromium does with cookie names outside the token grammar that
// adapter-nextjs 1.6 (raw `@`) and 1.8 (raw `(` `)`) write, and whether the
// amplify codec's sign-out (a plain same-name `Max-Age=0`) removes them.
const P = 'CognitoIdentityServiceProvider.rawclient1';
const RAW = [`${P}.alice@example.com.idToken`, `${P}.alice@example.com.accessToken`, `${P}.user(1)@example.com.refreshToken`, `${P}.LastAuthUser`];
const ENCODED = `${P}.alice%40example.com.idToken`;

const codec = createAmplifyCodec({ clientId: 'rawclient1', verifier: {} as TokenVerifier, cookieOptions: { path: '/', sameSite: 'lax', maxAge: 60 } });
const server = createServer((req, res) => {
  if (req.url === '/plant') {
    res.setHeader('set-cookie', [...RAW, ENCODED, 'theme'].map((n) => `${n}=v; Path=/; Max-Age=600`));
    return res.end('planted');
  }
  if (req.url === '/sign-out') {
    const response = new Response(null);
    const store = createCookieStoreFromFetchApi(new Request('http://localhost/', { headers: { cookie: req.headers.cookie ?? '' } }), response);
    codec.clear(store);
    res.setHeader('set-cookie', response.headers.getSetCookie());
    return res.end(JSON.stringify(response.headers.getSetCookie()));
  }
  res.end(req.headers.cookie ?? '');
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

it('Chromium stores raw @ and ( ) cookie names and the amplify codec sign-out removes every one of them', async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/plant`);
    const names = async () => (await (await page.goto(`${origin}/show`))!.text()).split('; ').filter(Boolean).map((p) => p.slice(0, p.indexOf('='))).sort();
    expect(await names()).toEqual([...RAW, ENCODED, 'theme'].sort());
    const lines = JSON.parse(await (await page.goto(`${origin}/sign-out`))!.text()) as string[];
    expect(lines.map((l) => l.slice(0, l.indexOf('='))).sort()).toEqual([...RAW, ENCODED].sort());
    expect(await names()).toEqual(['theme']);
  } finally {
    await browser.close();
  }
});
