import { describe, expect, it } from 'vitest';
import { isSameOriginRequest } from './isSameOriginRequest.js';

const ORIGIN = 'https://app.example.com';

describe('isSameOriginRequest (CSRF on sign-out)', () => {
  it.each([
    [{ 'sec-fetch-site': 'same-origin' }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }, true],
    [{ 'sec-fetch-site': 'same-site', origin: ORIGIN }, false],
    [{ 'sec-fetch-site': 'cross-site', origin: ORIGIN }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{ origin: ORIGIN }, true],
    [{ origin: 'https://app.example.com.evil.example' }, false],
    [{ origin: 'http://app.example.com' }, false],
    [{ origin: 'null' }, false],
    [{}, false],
  ])('%j → %s', (headers, expected) => {
    expect(isSameOriginRequest(new Headers(headers as Record<string, string>), ORIGIN)).toBe(expected);
  });
});
