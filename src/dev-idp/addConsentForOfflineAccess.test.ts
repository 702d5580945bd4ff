import { describe, expect, it } from 'vitest';

import { addConsentForOfflineAccess } from './addConsentForOfflineAccess.js';

function run(query: string): URLSearchParams {
  const ctx = { querystring: query };
  addConsentForOfflineAccess(ctx);
  return new URLSearchParams(ctx.querystring);
}

describe('addConsentForOfflineAccess', () => {
  it('adds prompt=consent to a request for offline_access, keeping other prompts', () => {
    expect(run('scope=openid+offline_access&client_id=a').get('prompt')).toBe('consent');
    expect(run('scope=openid+offline_access&prompt=create').get('prompt')).toBe('create consent');
    expect(run('scope=openid+offline_access&prompt=login').get('prompt')).toBe('login consent');
  });

  it('leaves everything else exactly as sent', () => {
    for (const query of [
      'scope=openid+email&client_id=a',
      'scope=openid+offline_access&prompt=consent',
      // prompt=none must stay alone: oidc-provider drops offline_access (no refresh token for silent renewal).
      'scope=openid+offline_access&prompt=none',
      // Repeated parameters are oidc-provider's to reject, not ours to merge.
      'scope=openid+offline_access&scope=openid',
      'scope=openid+offline_access&prompt=login&prompt=create',
      'client_id=a',
    ]) {
      expect(run(query).toString()).toBe(new URLSearchParams(query).toString());
    }
  });
});
