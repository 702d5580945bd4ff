import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServerRunner } from '../createServerRunner.js';

const SECRET = 'discovery-log-secret-discovery-log-secret-0123';
const CLIENT_SECRET = 'client-secret-that-must-never-be-logged';

describe('the sign-in route when discovery fails', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers 503 and logs the discovery URL and the cause, never a secret', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));

    const { createAuthRouteHandlers } = createServerRunner({
      config: { oidc: { issuer: `http://127.0.0.1:${port}/realms/app`, clientId: 'web', clientSecret: CLIENT_SECRET } },
      runtimeOptions: { secret: SECRET, origin: 'http://localhost:3000' },
    });
    const { GET } = createAuthRouteHandlers({});
    const response = await GET(new Request('http://localhost:3000/api/auth/sign-in?returnTo=/dashboard'), { params: Promise.resolve({ slug: 'sign-in' }) });

    expect(response.status).toBe(503);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(logged).toEqual([
      `next-server-auth: sign-in failed (DiscoveryFailed): OpenID discovery at http://127.0.0.1:${port}/realms/app/.well-known/openid-configuration failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    ]);
    expect(logged.join('\n')).not.toContain(CLIENT_SECRET);
    expect(logged.join('\n')).not.toContain(SECRET);
  });
});
