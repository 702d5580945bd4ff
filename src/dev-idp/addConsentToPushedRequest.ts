import type { KoaContext } from 'oidc-provider';

import { addConsentForOfflineAccess } from './addConsentForOfflineAccess.js';

/** oidc-provider's pushed authorization request endpoint (RFC 9126), at its default path. */
export const PAR_PATH = '/request';

const LIMIT = 56 * 1024;

/**
 * {@link addConsentForOfflineAccess} for a pushed authorization request: the
 * parameters arrive as a form body, and oidc-provider stores them already
 * checked (`offline_access` dropped without `prompt=consent`), so the body is
 * read here, given the same `consent` prompt, and handed on as a fresh
 * stream (length updated) for oidc-provider's own parser. Other bodies
 * (JSON, too large) are passed on untouched.
 *
 * @example
 * ```ts
 * if (mode === 'oidc' && ctx.method === 'POST' && ctx.path === PAR_PATH) await addConsentToPushedRequest(ctx);
 * ```
 */
export async function addConsentToPushedRequest(ctx: KoaContext): Promise<void> {
  const req = ctx.req;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !req.readable) return;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    // oidc-provider refuses these itself; do not buffer more.
    if (size > LIMIT) return replay(ctx, Buffer.concat(chunks));
    chunks.push(chunk as Buffer);
  }
  const form = { querystring: Buffer.concat(chunks).toString('utf8') };
  addConsentForOfflineAccess(form);
  replay(ctx, Buffer.from(form.querystring, 'utf8'));
}

/** Makes the already-read request look unread, with `body` as its content. */
function replay(ctx: KoaContext, body: Buffer): void {
  const req = ctx.req;
  req.headers['content-length'] = String(body.length);
  Object.defineProperty(req, 'readable', { configurable: true, value: true });
  req.iterator = (() =>
    (async function* () {
      yield body;
    })()) as typeof req.iterator;
}
