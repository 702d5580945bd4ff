import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CookieStore } from '../cookies/CookieStore.js';
import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { createCookieStoreFromNextCookies } from '../cookies/createCookieStoreFromNextCookies.js';
import { createCookieStoreFromNextMiddleware } from '../cookies/createCookieStoreFromNextMiddleware.js';
import { createCookieStoreFromPagesRouter } from '../cookies/createCookieStoreFromPagesRouter.js';
import { invalidConfig } from '../config/invalidConfig.js';
import type { NextRequestLike, NextResponseLike, NextServerContext } from './NextServerContext.js';
import { readNextCookies } from './readNextCookies.js';

function hasCookiesApi(value: unknown): boolean {
  const cookies = (value as { cookies?: unknown } | null)?.cookies;
  return typeof cookies === 'object' && cookies !== null && typeof (cookies as { set?: unknown }).set === 'function';
}

function isFetchRequest(value: unknown): value is Request {
  const headers = (value as { headers?: unknown } | null)?.headers;
  return typeof headers === 'object' && headers !== null && typeof (headers as { get?: unknown }).get === 'function';
}

/**
 * Picks the cookie adapter for a `nextServerContext` by its shape, so one
 * `runWithServerContext` serves the App Router, middleware/proxy and the
 * Pages Router.
 */
export async function createCookieStore(context: NextServerContext): Promise<CookieStore | null> {
  if (context === null || context === undefined) return null;
  if (typeof context !== 'object') throw invalidConfig('nextServerContext', 'must be { cookies }, { request, response } or null');
  if ('cookies' in context && typeof context.cookies === 'function') {
    // cookies() then connection(): nothing below may read the clock during a
    // Cache Components prerender (see readNextCookies).
    return createCookieStoreFromNextCookies(await readNextCookies(context.cookies));
  }
  if ('request' in context && 'response' in context) {
    const { request, response } = context;
    if (hasCookiesApi(request) && hasCookiesApi(response)) {
      return createCookieStoreFromNextMiddleware(request as NextRequestLike, response as NextResponseLike);
    }
    if (isFetchRequest(request) && response instanceof Response) {
      return createCookieStoreFromFetchApi(request, response);
    }
    if (typeof (response as { setHeader?: unknown }).setHeader === 'function') {
      return createCookieStoreFromPagesRouter(request as IncomingMessage, response as ServerResponse);
    }
  }
  throw invalidConfig('nextServerContext', 'must be { cookies }, { request, response } or null');
}
