import { NextRequest, NextResponse } from 'next/server.js';
import { describe, expect, it } from 'vitest';
import { forwardResponse } from './forwardResponse.js';

// What the guard has after a refresh: the new cookie on the request (as the
// middleware cookie store rewrites it) and its Set-Cookie line.
function refreshed() {
  const request = new NextRequest('https://app.example.com/page', { headers: { cookie: 'nsa.session=old; theme=dark', 'x-user-id': 'spoofed', authorization: 'Bearer original' } });
  request.cookies.set('nsa.session', 'new');
  const written = new Headers();
  written.append('set-cookie', 'nsa.session=new; Path=/; HttpOnly; SameSite=Lax');
  return { request, written };
}

describe('forwardResponse (composing with the app\'s middleware)', () => {
  it('without an upstream response: forwards every request header with the new cookie, and sets it on the browser', () => {
    const { request, written } = refreshed();
    const response = forwardResponse(request, written, undefined);
    expect(response.headers.get('x-middleware-request-cookie')).toBe('nsa.session=new; theme=dark');
    expect(response.headers.get('x-middleware-override-headers')?.split(',').sort()).toEqual(['authorization', 'cookie', 'x-user-id']);
    expect(response.headers.getSetCookie()).toEqual(['nsa.session=new; Path=/; HttpOnly; SameSite=Lax']);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('an upstream answer (a 403 from the app\'s own check) stays an answer: the request is not let through', async () => {
    const { request, written } = refreshed();
    const upstream = new NextResponse('blocked', { status: 403 });
    const response = forwardResponse(request, written, upstream);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('blocked');
    expect(response.headers.has('x-middleware-next')).toBe(false);
    expect(response.headers.has('x-middleware-override-headers')).toBe(false);
    expect(response.headers.getSetCookie()).toEqual(['nsa.session=new; Path=/; HttpOnly; SameSite=Lax']);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('an upstream that rewrote request headers keeps them: only the cookie header changes (stripped headers stay stripped)', () => {
    const { request, written } = refreshed();
    const headers = new Headers(request.headers);
    headers.delete('x-user-id');
    headers.set('authorization', 'Bearer from-app');
    const upstream = NextResponse.next({ request: { headers } });
    upstream.headers.set('x-trace', 'abc');
    const response = forwardResponse(request, written, upstream);
    expect(response).toBe(upstream);
    expect(response.headers.get('x-middleware-override-headers')?.split(',').sort()).toEqual(['authorization', 'cookie']);
    expect(response.headers.get('x-middleware-request-authorization')).toBe('Bearer from-app');
    expect(response.headers.has('x-middleware-request-x-user-id')).toBe(false);
    expect(response.headers.get('x-middleware-request-cookie')).toBe('nsa.session=new; theme=dark');
    expect(response.headers.get('x-trace')).toBe('abc');
    expect(response.headers.getSetCookie()).toEqual(['nsa.session=new; Path=/; HttpOnly; SameSite=Lax']);
  });

  it('an upstream NextResponse.next() without overrides gets Next\'s full list with the new cookie', () => {
    const { request, written } = refreshed();
    const upstream = NextResponse.next();
    const response = forwardResponse(request, written, upstream);
    expect(response.headers.get('x-middleware-override-headers')?.split(',').sort()).toEqual(['authorization', 'cookie', 'x-user-id']);
    expect(response.headers.get('x-middleware-request-cookie')).toBe('nsa.session=new; theme=dark');
  });

  it('nothing written: the upstream response comes back untouched', () => {
    const { request } = refreshed();
    const upstream = NextResponse.next();
    expect(forwardResponse(request, new Headers(), upstream)).toBe(upstream);
    expect(upstream.headers.has('cache-control')).toBe(false);
  });
});
