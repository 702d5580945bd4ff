import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServerRunner } from './createServerRunner.js';
import { isAuthError } from './errors/AuthError.js';

const config = { oidc: { issuer: 'https://idp.example.com', clientId: 'app' } };

function startError(): unknown {
  try {
    createServerRunner({ config });
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('createServerRunner start-up', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('a staging deploy without AUTH_SECRET on a public origin refuses to start instead of sealing with the public dev secret', () => {
    vi.stubEnv('AUTH_SECRET', '');
    vi.stubEnv('AUTH_ORIGIN', 'https://staging.example.com');
    for (const nodeEnv of ['development', 'test', 'production']) {
      vi.stubEnv('NODE_ENV', nodeEnv);
      const err = startError();
      expect(isAuthError(err, 'InvalidSecret')).toBe(true);
    }
  });

  it('a local development start without AUTH_SECRET uses the development secret, with a warning', () => {
    vi.stubEnv('AUTH_SECRET', '');
    vi.stubEnv('AUTH_ORIGIN', 'http://localhost:3000');
    vi.stubEnv('NODE_ENV', 'development');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(startError()).toBeUndefined();
    expect(warn.mock.calls.some(([m]) => String(m).includes('development secret'))).toBe(true);
    warn.mockRestore();
  });
});
