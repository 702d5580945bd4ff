import { describe, expect, it } from 'vitest';

import { AdapterStore } from './AdapterStore.js';
import { CookieJar } from './CookieJar.js';
import { escapeHtml } from './escapeHtml.js';
import { isLoopbackHost } from './isLoopbackHost.js';
import { hashPassword, isPasswordHash, verifyPassword } from './password.js';
import { subjectForUsername } from './subjectForUsername.js';
import { toUserRecord } from './userRecord.js';

describe('password hashing', () => {
  it('hashes with a per-password salt and verifies', async () => {
    const a = await hashPassword('alice-password');
    const b = await hashPassword('alice-password');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(isPasswordHash(a)).toBe(true);
    expect(await verifyPassword('alice-password', a)).toBe(true);
    expect(await verifyPassword('alice-passwore', a)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });

  it('accepts passwordHash input and never keeps a plain password', async () => {
    const passwordHash = await hashPassword('pw-123456');
    const record = await toUserRecord({ username: 'ivan@example.com', passwordHash });
    expect(record.passwordHash).toBe(passwordHash);
    const fromPlain = await toUserRecord({ username: 'judy@example.com', password: 'judy-password', groups: ['A'] });
    expect(JSON.stringify(fromPlain)).not.toContain('judy-password');
    expect(fromPlain).toMatchObject({ email: 'judy@example.com', email_verified: true, groups: ['A'], sub: subjectForUsername('judy@example.com') });
    await expect(toUserRecord({ username: 'k@example.com', passwordHash: 'nope' })).rejects.toThrow(/passwordHash/);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '127.0.0.1.nip.io', ''])('rejects %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('AdapterStore', () => {
  it('revokes everything issued under a grant and survives a snapshot round trip', async () => {
    const store = new AdapterStore();
    const tokens = store.adapterFor('RefreshToken');
    const sessions = store.adapterFor('Session');
    await tokens.upsert('rt1', { grantId: 'g1', jti: 'rt1' }, 60);
    await tokens.upsert('rt2', { grantId: 'g2', jti: 'rt2' }, 60);
    await sessions.upsert('s1', { uid: 'u1', jti: 's1' }, 60);
    await tokens.consume('rt1');
    expect((await tokens.find('rt1'))?.consumed).toEqual(expect.any(Number));

    const restored = new AdapterStore(store.snapshot());
    expect(await restored.adapterFor('Session').findByUid('u1')).toEqual({ uid: 'u1', jti: 's1' });
    await restored.adapterFor('AccessToken').revokeByGrantId('g1');
    expect(await restored.adapterFor('RefreshToken').find('rt1')).toBeUndefined();
    expect(await restored.adapterFor('RefreshToken').find('rt2')).toEqual({ grantId: 'g2', jti: 'rt2' });
  });

  it('drops expired entries', async () => {
    const store = new AdapterStore([{ key: 'RefreshToken:old', payload: { jti: 'old' }, expiresAt: Date.now() - 1 }]);
    expect(await store.adapterFor('RefreshToken').find('old')).toBeUndefined();
    expect(store.snapshot()).toEqual([]);
  });
});

describe('CookieJar', () => {
  it('honours Path, Max-Age and deletion', () => {
    const jar = new CookieJar();
    const url = new URL('http://127.0.0.1:1/oauth2/authorize');
    jar.store(url, ['a=1; path=/; httponly', 'b=2; path=/login/x', 'c=3; max-age=0']);
    expect(jar.header(new URL('http://127.0.0.1:1/login/x/signin'))).toBe('a=1; b=2');
    expect(jar.header(new URL('http://127.0.0.1:1/login/xy'))).toBe('a=1');
    expect(jar.header(new URL('http://127.0.0.1:2/'))).toBe('');
    jar.store(url, ['a=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.names('http://127.0.0.1:1')).toEqual(['b']);
  });
});

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
