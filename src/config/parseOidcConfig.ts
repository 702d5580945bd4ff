import type { OidcProviderConfig, ResolvedAuthConfig } from './types.js';
import { invalidConfig } from './invalidConfig.js';
import { pickRedirectUri } from './pickRedirectUri.js';
import { parseResources } from './parseResources.js';
import { parseClientKey } from './parseClientKey.js';
import type { ClientKey } from './parseClientKey.js';

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
  const clientAuth = parseClientAuthentication(c);
  return {
    ...clientAuth,
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
    ...(c.resources !== undefined ? { resources: parseResources(c.resources) } : {}),
    ...parseDPoP(c.dpop),
  };
}

function parseDPoP(dpop: unknown): { dpop?: true } {
  if (dpop !== undefined && typeof dpop !== 'boolean') throw invalidConfig('oidc.dpop', 'must be true or false');
  return dpop === true ? { dpop } : {};
}

type ClientAuthentication = NonNullable<ResolvedAuthConfig['clientAuthentication']>;
const CLIENT_AUTH_METHODS: readonly ClientAuthentication[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
const SECRET_METHODS: readonly ClientAuthentication[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

/**
 * `clientAuthentication`, `clientPrivateKey` and `pushedAuthorizationRequests`:
 * each method has what it needs and nothing that contradicts it. Fields are
 * returned only when configured, so a plain config resolves as before.
 */
function parseClientAuthentication(c: Record<string, unknown>): Pick<ResolvedAuthConfig, 'clientAuthentication' | 'clientKey' | 'pushedAuthorizationRequests'> {
  const method = c.clientAuthentication;
  if (method !== undefined && !CLIENT_AUTH_METHODS.includes(method as ClientAuthentication)) {
    throw invalidConfig('oidc.clientAuthentication', `must be one of ${CLIENT_AUTH_METHODS.map((m) => `"${m}"`).join(', ')}`);
  }
  const clientKey: ClientKey | undefined = c.clientPrivateKey === undefined ? undefined : parseClientKey(c.clientPrivateKey);
  const secret = typeof c.clientSecret === 'string' && c.clientSecret !== '';
  let resolved = method as ClientAuthentication | undefined;
  if (resolved === undefined && clientKey) {
    if (secret) throw invalidConfig('oidc.clientAuthentication', 'is required when both oidc.clientSecret and oidc.clientPrivateKey are given (which one authenticates the app?)');
    resolved = 'private_key_jwt';
  }
  if (resolved !== undefined && SECRET_METHODS.includes(resolved) && !secret) {
    throw invalidConfig('oidc.clientSecret', `is required with clientAuthentication "${resolved}"`);
  }
  if (resolved === 'client_secret_jwt' && (c.clientSecret as string).length < 32) {
    // HS256 needs a key of at least 256 bits (RFC 7518 §3.2).
    throw invalidConfig('oidc.clientSecret', 'must be at least 32 characters for clientAuthentication "client_secret_jwt" (HS256 key size, RFC 7518 §3.2)');
  }
  if (resolved === 'private_key_jwt' && !clientKey) throw invalidConfig('oidc.clientPrivateKey', 'is required with clientAuthentication "private_key_jwt"');
  if (resolved === 'none' && secret) throw invalidConfig('oidc.clientSecret', 'must not be given with clientAuthentication "none" (a public client has no secret)');
  if (c.pushedAuthorizationRequests !== undefined && typeof c.pushedAuthorizationRequests !== 'boolean') {
    throw invalidConfig('oidc.pushedAuthorizationRequests', 'must be true or false');
  }
  return {
    ...(resolved !== undefined ? { clientAuthentication: resolved } : {}),
    ...(clientKey ? { clientKey } : {}),
    ...(c.pushedAuthorizationRequests !== undefined ? { pushedAuthorizationRequests: c.pushedAuthorizationRequests as boolean } : {}),
  };
}
