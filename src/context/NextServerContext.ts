import type { IncomingMessage, ServerResponse } from 'node:http';

/** What `await cookies()` from `next/headers` returns (structurally). */
export interface NextCookiesLike {
  get(name: string): { name: string; value: string } | undefined;
  getAll(): Array<{ name: string; value: string }>;
  set(...args: never[]): unknown;
  delete(...args: never[]): unknown;
}

/** `NextRequest` / `NextResponse`, structurally: both carry a `cookies` API. */
export interface NextRequestLike extends Request {
  cookies: {
    get(name: string): { name: string; value: string } | undefined;
    getAll(): Array<{ name: string; value: string }>;
    set(...args: never[]): unknown;
    delete(...args: never[]): unknown;
  };
}
export interface NextResponseLike extends Response {
  cookies: { set(...args: never[]): unknown; delete(...args: never[]): unknown };
}

/**
 * The request context an operation reads its session from.
 *
 * - `{ cookies }`: `cookies` from `next/headers` (server components, server actions, route handlers)
 * - `{ request, response }`: `NextRequest` + `NextResponse` (middleware / proxy),
 *   `Request` + `Response` (route handlers), or `IncomingMessage` + `ServerResponse` (Pages Router)
 * - `null`: no request, a signed-out context
 */
export type NextServerContext =
  | null
  | { cookies: () => Promise<NextCookiesLike> | NextCookiesLike }
  | { request: NextRequestLike; response: NextResponseLike }
  | { request: Request; response: Response }
  | { request: IncomingMessage; response: ServerResponse };
