import type { OidcProviderConfig, ResolvedAuthConfig } from './types.js';
import { invalidConfig } from './invalidConfig.js';
import { pickRedirectUri } from './pickRedirectUri.js';

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[\w-]+$/;

function optionalStringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) throw invalidConfig(field, 'must be a string or a list of strings');
  return list as string[];
}

/** Validates `{ oidc: {...} }`; endpoints are left to discovery. */
export function parseOidcConfig(config: OidcProviderConfig, origin: string): ResolvedAuthConfig {
  const o: unknown = config.oidc;
  if (typeof o !== 'object' || o === null) throw invalidConfig('oidc', 'must be an object');
  const c = o as Record<string, unknown>;
  if (typeof c.issuer !== 'string' || c.issuer === '') throw invalidConfig('oidc.issuer', 'is required (a non-empty string)');
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(c.issuer);
  } catch {
    throw invalidConfig('oidc.issuer', `is not an absolute URL: ${JSON.stringify(c.issuer)}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuerUrl.hostname);
  if (issuerUrl.protocol !== 'https:' && !(issuerUrl.protocol === 'http:' && loopback)) {
    throw invalidConfig('oidc.issuer', 'must be https (plain http is allowed only on loopback, for the dev IdP)');
  }
  if (issuerUrl.search || issuerUrl.hash) throw invalidConfig('oidc.issuer', 'must not have a query or fragment');
  if (typeof c.clientId !== 'string' || c.clientId === '') throw invalidConfig('oidc.clientId', 'is required (a non-empty string)');
  if (c.clientSecret !== undefined && (typeof c.clientSecret !== 'string' || c.clientSecret === '')) {
    throw invalidConfig('oidc.clientSecret', 'must be a non-empty string when given');
  }
  const scopes = optionalStringList(c.scopes, 'oidc.scopes') ?? ['openid', 'email', 'profile'];
  if (!scopes.includes('openid')) throw invalidConfig('oidc.scopes', 'must include "openid"');
  if (c.offlineAccess !== undefined && c.offlineAccess !== 'auto' && typeof c.offlineAccess !== 'boolean') {
    throw invalidConfig('oidc.offlineAccess', 'must be "auto", true or false');
  }
  const offlineAccess = (c.offlineAccess as 'auto' | boolean | undefined) ?? 'auto';
  if (offlineAccess === false && scopes.includes('offline_access')) {
    throw invalidConfig('oidc.offlineAccess', 'is false but oidc.scopes lists "offline_access": remove one of them');
  }
  if (c.flavor !== undefined && c.flavor !== 'cognito' && c.flavor !== 'generic') {
    throw invalidConfig('oidc.flavor', 'must be "cognito" or "generic"');
  }
  const flavor = (c.flavor as 'cognito' | 'generic' | undefined) ?? (COGNITO_ISSUER.test(c.issuer) ? 'cognito' : 'generic');
  if (c.groupsClaim !== undefined && (typeof c.groupsClaim !== 'string' || c.groupsClaim === '')) {
    throw invalidConfig('oidc.groupsClaim', 'must be a non-empty string');
  }
  return {
    flavor,
    // Compared byte for byte with `iss`, so keep exactly what was configured.
    issuer: c.issuer,
    clientId: c.clientId,
    ...(c.clientSecret ? { clientSecret: c.clientSecret as string } : {}),
    scopes,
    offlineAccess,
    redirectSignIn: pickRedirectUri('oidc.redirectSignIn', c.redirectSignIn ?? `${origin}/api/auth/sign-in-callback`, origin),
    redirectSignOut: pickRedirectUri('oidc.redirectSignOut', c.redirectSignOut ?? `${origin}/api/auth/sign-out-callback`, origin),
    identityProviders: [],
    groupsClaim: (c.groupsClaim as string | undefined) ?? (flavor === 'cognito' ? 'cognito:groups' : 'groups'),
    accessTokenAudience: optionalStringList(c.accessTokenAudience, 'oidc.accessTokenAudience') ?? [],
  };
}
