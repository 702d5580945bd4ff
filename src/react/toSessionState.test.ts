import { describe, expect, it } from 'vitest';
import { toSessionState } from './toSessionState.js';

describe('toSessionState', () => {
  it('maps unknown → loading, { user: null } → unauthenticated, a user → authenticated', () => {
    const user = { username: 'alice', userId: 'sub-1', groups: [] };
    expect(toSessionState(undefined)).toEqual({ status: 'loading', user: null, expiresAt: undefined });
    expect(toSessionState({ user: null })).toEqual({ status: 'unauthenticated', user: null, expiresAt: undefined });
    expect(toSessionState({ user, expiresAt: 5 })).toEqual({ status: 'authenticated', user, expiresAt: 5 });
  });
});
