import { AuthError } from '../errors/AuthError.js';

/** Largest `customState` accepted, in UTF-8 bytes: it rides in the sealed transaction cookie, which must stay under 4 KB. */
export const MAX_CUSTOM_STATE_BYTES = 512;

/** The query parameter (on the sign-in route and on the landing URL) that carries it. */
export const CUSTOM_STATE_PARAM = 'customState';

/**
 * Checks an app's `customState`: well-formed Unicode, no control characters
 * (C0, DEL, C1), at most {@link MAX_CUSTOM_STATE_BYTES} UTF-8 bytes. Empty or
 * absent means none. Never truncates: a value that does not fit is refused.
 *
 * @throws AuthError `InvalidConfig` naming the rule broken.
 * @example
 * ```ts
 * checkCustomState('tab=billing&item=42'); // 'tab=billing&item=42'
 * checkCustomState(''); // undefined
 * checkCustomState('a\nb'); // throws AuthError('InvalidConfig')
 * ```
 */
export function checkCustomState(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new AuthError('InvalidConfig', 'customState must be a string');
  // A lone surrogate would be turned into U+FFFD on the way: a different value, so refuse it.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) throw new AuthError('InvalidConfig', 'customState must be well-formed Unicode');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) throw new AuthError('InvalidConfig', 'customState must not contain control characters');
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > MAX_CUSTOM_STATE_BYTES) throw new AuthError('InvalidConfig', `customState is ${bytes} bytes; at most ${MAX_CUSTOM_STATE_BYTES} UTF-8 bytes are allowed`);
  return value;
}

/**
 * The landing URL: `target` (an absolute URL on the app's origin, already
 * checked by `safeReturnTo`) with any `customState` parameter it carried
 * removed, and the transaction's own one appended, percent-encoded. Only the
 * query changes (origin, path and fragment stay), so this cannot make an
 * open redirect; the rest of the app's query is kept byte for byte.
 *
 * @example
 * ```ts
 * withCustomState('https://app.example/orders?id=1#top', 'a&b'); // 'https://app.example/orders?id=1&customState=a%26b#top'
 * withCustomState('https://app.example/x?customState=forged', undefined); // 'https://app.example/x'
 * ```
 */
export function withCustomState(target: string, customState: string | undefined): string {
  const url = new URL(target);
  const query = url.search.slice(1);
  const kept = query === '' ? [] : query.split('&').filter((part) => !isCustomStatePart(part));
  if (customState !== undefined) kept.push(`${CUSTOM_STATE_PARAM}=${encodeURIComponent(customState)}`);
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return url.href;
}

function isCustomStatePart(part: string): boolean {
  const name = part.split('=', 1)[0]!;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')) === CUSTOM_STATE_PARAM;
  } catch {
    return false;
  }
}
