// A loopback proxy in front of the real dev IdP that can rewrite its answers:
// how tests play a misbehaving or compromised provider when the dev IdP itself
// behaves. Tokens it rewrites are re-signed with the IdP's own key (from its
// state file), so the library sees genuinely signed tokens and must refuse
// them on their claims, not on a broken signature.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { readStateFile } from '../stateFile.js';

/** One request the proxy forwarded, and the IdP's status. */
export interface ProxiedCall {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  body: string;
  headers: Headers;
  /** The IdP's answer status. */
  status: number;
}

/**
 * Rewrites the JSON body of a 2xx answer of the IdP (`call.status` is that
 * answer's). Returning `undefined` passes the answer through untouched.
 */
export type Tamper = (answer: Record<string, unknown>, call: ProxiedCall) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

export interface TamperingProxy {
  /** `http://127.0.0.1:<port>`: put it in place of the IdP's origin for the endpoints to tamper with. */
  readonly url: string;
  /** The rewrite in force; `undefined` (the default) passes everything through. */
  tamper: Tamper | undefined;
  /** Every call forwarded so far, oldest first (clear it with `calls.length = 0`). */
  readonly calls: ProxiedCall[];
  close(): Promise<void>;
}

// Request headers a token endpoint, the Cognito JSON API or userinfo need; answer headers clients read.
const REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'dpop', 'x-amz-target'];
const ANSWER_HEADERS = ['content-type', 'cache-control', 'dpop-nonce', 'www-authenticate', 'x-amzn-errortype'];

/**
 * Starts a proxy on a free loopback port forwarding every request to
 * `upstream` (the dev IdP's origin), with the rewrite in `proxy.tamper`.
 *
 * @example
 * ```ts
 * const proxy = await startTamperingProxy(idp.issuer);
 * proxy.tamper = async (answer, call) => new URLSearchParams(call.body).get('grant_type') === 'authorization_code'
 *   ? { ...answer, id_token: await resignedByIdp(stateFile, answer.id_token as string, (c) => ({ ...c, nonce: 'other' })) }
 *   : undefined;
 * ```
 */
export async function startTamperingProxy(upstream: string): Promise<TamperingProxy> {
  const calls: ProxiedCall[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = new Headers();
      for (const name of REQUEST_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers.set(name, value);
      }
      const method = req.method ?? 'GET';
      const answer = await fetch(new URL(req.url ?? '/', upstream), { method, headers, ...(method === 'POST' ? { body } : {}) });
      let text = await answer.text();
      const call: ProxiedCall = { method, path: req.url ?? '/', body, headers, status: answer.status };
      calls.push(call);
      const tamper = proxy.tamper;
      if (answer.ok && tamper) {
        const changed = await tamper(JSON.parse(text) as Record<string, unknown>, call);
        if (changed !== undefined) text = JSON.stringify(changed);
      }
      const out: Record<string, string> = {};
      for (const name of ANSWER_HEADERS) {
        const value = answer.headers.get(name);
        if (value !== null) out[name] = value;
      }
      res.writeHead(answer.status, out);
      res.end(text);
    })().catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: TamperingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tamper: undefined,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return proxy;
}

/**
 * `token` with `change` applied to its claims (and `header` to its protected
 * header), re-signed with the dev IdP's own signing key, read from its state
 * file (`stateFile` option of `startDevIdp`).
 *
 * @example
 * ```ts
 * const later = await resignedByIdp(stateFile, idToken, (claims) => ({ ...claims, auth_time: now }));
 * ```
 */
export async function resignedByIdp(
  stateFile: string,
  token: string,
  change: (claims: JWTPayload) => JWTPayload,
  header: (protectedHeader: Record<string, unknown>) => Record<string, unknown> = (h) => h,
): Promise<string> {
  const jwk = readStateFile(stateFile)!.signingKey;
  return new SignJWT(change(decodeJwt(token)))
    .setProtectedHeader({ ...header({ ...decodeProtectedHeader(token) }), alg: jwk.alg })
    .sign(await importJWK(jwk, jwk.alg));
}
