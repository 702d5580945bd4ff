import { invalidConfig } from './invalidConfig.js';

/**
 * Validates `oidc.resources` (RFC 8707 §2): a list of absolute URIs without a
 * fragment, no duplicates. Kept exactly as written: the IdP compares them
 * byte for byte, and so does {@link getAccessToken}.
 *
 * @throws AuthError `InvalidConfig` naming `oidc.resources`.
 * @example
 * ```ts
 * parseResources(['https://orders.example.com']); // ['https://orders.example.com']
 * ```
 */
export function parseResources(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidConfig('oidc.resources', 'must be a list of absolute URIs');
  for (const uri of value) {
    if (typeof uri !== 'string' || !URL.canParse(uri)) throw invalidConfig('oidc.resources', `must hold absolute URIs, got ${JSON.stringify(uri)}`);
    if (uri.includes('#')) throw invalidConfig('oidc.resources', `must not hold a fragment (RFC 8707 §2): ${JSON.stringify(uri)}`);
  }
  if (new Set(value).size !== value.length) throw invalidConfig('oidc.resources', 'must not repeat a URI');
  return [...(value as string[])];
}
