/**
 * How the guard reads a request path. `spellings` are the paths the rules are
 * tested against: for a plain path its canonical form (and the raw spelling,
 * when it differs); for an ambiguous path every way a server or an app could
 * read it, so that a rule matching any of them counts.
 */
export type PathReading =
  | { ambiguous: false; canonical: string; spellings: string[] }
  | { ambiguous: true; reasons: string[]; spellings: string[] };

const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
/** Encoded `/`, `\`, `;`, `%` (a second decoding) and NUL: separators and escapes a server may or may not honour. */
const ENCODED_SEPARATOR = /%(2f|5c|25|00|3b)/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]/g;

/** `'/' + segments`, duplicate slashes collapsed and no trailing slash (Next's own redirects do the same). */
function tidy(path: string): string {
  return `/${path.split('/').filter((s) => s !== '').join('/')}`;
}

/** RFC 3986 `remove_dot_segments` over tidy segments. */
function resolveDots(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** Percent-decodes every run of valid escapes that is valid UTF-8; leaves the rest as written. */
function decodeLenient(path: string): string {
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // A run with invalid UTF-8 (`%E0%A4`): decode its valid parts one escape at a time where possible.
      return run.replace(/%[0-9A-Fa-f]{2}/g, (one) => (parseInt(one.slice(1), 16) < 0x80 ? decodeURIComponent(one) : one));
    }
  });
}

/** What a decoder that drops what it cannot read would see. */
function dropUndecodable(path: string): string {
  return path.replace(/%[0-9A-Fa-f]{2}/g, '').replace(/%.{0,2}/g, '');
}

/** Matrix parameters (`/admin;x`), which some servers and proxies strip. */
function stripMatrix(path: string): string {
  return path.replace(/;[^/]*/g, '');
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Reads a request pathname (as Next hands it over: parsed by the URL parser,
 * still percent-encoded) the way the guard decides on it.
 *
 * A path is *plain* when every escape decodes to one ordinary character: its
 * canonical form is decoded segment by segment, with duplicate and trailing
 * slashes dropped. A path is *ambiguous* when servers, proxies or the app could
 * read it differently: malformed escapes (`%zz`, `%E0%A4`), encoded separators
 * (`%2F`, `%5C`, `%3B`), an encoded `%`, control characters (NUL), a segment that
 * decodes to `.` or `..`, a backslash or a `;`.
 *
 * @example
 * ```ts
 * readPath('/reports/%34%32'); // { ambiguous: false, canonical: '/reports/42', spellings: ['/reports/42', '/reports/%34%32'] }
 * readPath('/dashboard%2F..'); // { ambiguous: true, reasons: ['encoded separator'], spellings: [..., '/dashboard/..', '/', ...] }
 * ```
 */
export function readPath(pathname: string): PathReading {
  // The common case costs one test: nothing to decode, nothing to collapse.
  if (!/[%;\\]|\/\/|.\/$|(^|\/)\.\.?(\/|$)/.test(pathname) && !CONTROL.test(pathname)) return { ambiguous: false, canonical: pathname === '' ? '/' : pathname, spellings: [pathname === '' ? '/' : pathname] };

  const reasons: string[] = [];
  if (MALFORMED_ESCAPE.test(pathname)) reasons.push('malformed escape');
  if (ENCODED_SEPARATOR.test(pathname)) reasons.push('encoded separator');
  if (/[;\\]/.test(pathname) || CONTROL.test(pathname)) reasons.push('separator character');
  const decoded = pathname.split('/').map(decodeSegment);
  if (decoded.some((s) => s === undefined)) reasons.push('malformed escape');
  if (decoded.some((s) => s === '.' || s === '..')) reasons.push('dot segment');
  if (decoded.some((s) => s !== undefined && CONTROL.test(s))) reasons.push('control character');

  if (reasons.length === 0) {
    const canonical = tidy(decoded.join('/'));
    const raw = tidy(pathname);
    return { ambiguous: false, canonical, spellings: raw === canonical ? [canonical] : [canonical, raw] };
  }

  // Every reading we can think of; the caller denies if any falls under a protected rule.
  const once = decodeLenient(pathname);
  const bases = [pathname, decoded.map((s, i) => s ?? pathname.split('/')[i]).join('/'), once, decodeLenient(once), dropUndecodable(once)];
  // Each base read with any combination of: backslash as slash, matrix parameters stripped, control characters dropped.
  const readings: Array<(path: string) => string> = [(p) => p.replace(/\\/g, '/'), stripMatrix, (p) => p.replace(CONTROLS, '')];
  const spellings = new Set<string>();
  for (const base of bases) {
    for (let mask = 0; mask < 1 << readings.length; mask++) {
      const variant = readings.reduce((path, read, i) => (mask & (1 << i) ? read(path) : path), base);
      spellings.add(tidy(variant));
      spellings.add(resolveDots(variant));
    }
  }
  return { ambiguous: true, reasons: [...new Set(reasons)], spellings: [...spellings] };
}
