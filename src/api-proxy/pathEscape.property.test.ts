// Property tests: whatever follows the proxy prefix, the upstream URL stays on
// the upstream's origin and under its base path, however a server behind it
// reads the path (decoded, backslashes as slashes, `;` parameters dropped,
// dot segments resolved: every reading the guard's readPath knows).
// fast-check prints the seed and the shrunk input on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPath } from '../guard/readPath.js';
import { compileProxyRoutes } from './compileProxyRoutes.js';
import { resolveUpstreamUrl } from './resolveUpstreamUrl.js';

const routes = compileProxyRoutes({
  '/api/proxy/orders': 'https://api.example.com/v1/orders',
  '/api/proxy/root': 'https://root.example.com',
});

/** Characters that make paths ambiguous, weighted up, and ordinary ones. */
const PIECES = ['.', '..', '/', '\\', '%', '%2e', '%2E', '%2f', '%2F', '%5c', '%25', '%00', '%3b', ';', '@', ':', '//', '?', '#', 'a', 'b', '1', 'é', '%c0%ae', '\t', ' ', '%40', 'http:', 'evil.example', '%zz', '%e0%a4'];
const suffix = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((p) => p.join(''));

/** Whether `pathname` on the upstream, read any way a server might, stays at or under `base`. */
function staysUnder(pathname: string, base: string): boolean {
  const under = (p: string) => base === '' || p === base || p.startsWith(`${base}/`);
  return readPath(pathname).spellings.every(under);
}

function check(pathname: string, search = ''): void {
  const result = resolveUpstreamUrl(routes, { pathname, search });
  if (result.kind !== 'upstream') return;
  const { url, route } = result;
  expect(url.origin).toBe(route.origin);
  expect(url.username + url.password).toBe('');
  expect(staysUnder(url.pathname, route.basePath)).toBe(true);
  // And it was plain: readPath finds nothing ambiguous in what goes upstream.
  expect(readPath(url.pathname).ambiguous).toBe(false);
}

describe('the proxy path cannot escape the upstream base', () => {
  it('for any raw suffix after the prefix, the upstream URL is on the base origin under the base path, or the proxy refuses', () => {
    fc.assert(
      fc.property(fc.constantFrom('/api/proxy/orders', '/api/proxy/root'), suffix, fc.constantFrom('', '?a=1', '?next=//evil.example'), (prefix, rest, search) => check(prefix + rest, search)),
      { numRuns: 5000 },
    );
  });

  it('for any suffix as the URL parser hands it over (what a route handler sees), the same holds', () => {
    fc.assert(
      fc.property(suffix, (rest) => {
        let url: URL;
        try {
          url = new URL(`http://localhost:3000/api/proxy/orders${rest}`);
        } catch {
          return;
        }
        check(url.pathname, url.search);
      }),
      { numRuns: 5000 },
    );
  });

  it('every spelling of ../, %2e%2e, %2f, a backslash or ..; after the prefix is refused as it arrives', () => {
    const spellings = [
      '/..', '/../admin', '/./x', '/.', '/x/..', '/%2e%2e/admin', '/%2E%2E/admin', '/.%2e/admin', '/%2e./admin', '/%2e', '/%2e%2e%2fadmin',
      '/..%2fadmin', '/..%2Fadmin', '/..\\admin', '/..%5cadmin', '/%5c..', '/%252e%252e/admin', '/%252f', '/..;/admin', '/x/..;/admin',
      '/%3b', '/%c0%ae%c0%ae/admin', '/%00', '/a%2fb', '//evil.example', '/x//y', '/@evil.example', '/%40evil.example', '/%zz', '/%e0%a4',
      '/\t', '/a\u0000', '/\u007f', '\\..', '%2e%2e',
      // Dots only (found by the property test, seed 1886044929): Windows file APIs strip trailing dots, so `...` can read as `..`.
      '/...', '/x/...', '/..../admin',
      // Two dots inside a segment (found by the proxy property test, seed 866303066): the upstream path never holds `..`.
      '/..a', '/a..', '/x/a..b', '/..a/admin',
    ];
    for (const rest of spellings) {
      const result = resolveUpstreamUrl(routes, { pathname: `/api/proxy/orders${rest}`, search: '' });
      expect(result.kind, rest).toBe(rest.startsWith('/') ? 'bad_path' : 'not_found');
    }
  });

  it('plain suffixes pass through unchanged (escapes stay escapes)', () => {
    for (const [rest, upstream] of [
      ['', 'https://api.example.com/v1/orders'],
      ['/', 'https://api.example.com/v1/orders/'],
      ['/42', 'https://api.example.com/v1/orders/42'],
      ['/a%20b/caf%C3%A9', 'https://api.example.com/v1/orders/a%20b/caf%C3%A9'],
      ['/v.1/x.json', 'https://api.example.com/v1/orders/v.1/x.json'],
    ] as const) {
      const result = resolveUpstreamUrl(routes, { pathname: `/api/proxy/orders${rest}`, search: '' });
      expect(result.kind === 'upstream' && result.url.href, rest).toBe(upstream);
    }
  });
});
