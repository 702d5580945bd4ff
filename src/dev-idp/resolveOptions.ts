import { randomBytes } from 'node:crypto';

import { DEFAULT_CLIENT, DEFAULT_PORT } from './defaults.js';
import { isLoopbackHost } from './isLoopbackHost.js';
import { SIGNING_ALGS } from './signingKey.js';
import type { DevIdpClient, DevIdpMode, DevIdpOptions, DevIdpResource, DevIdpSigningAlg, DevIdpUserInput } from './types.js';
import { ALL_AUTH_FLOWS } from './appClientAuth.js';

/** DevIdpOptions with defaults applied and values checked. */
export interface ResolvedOptions {
  port: number;
  host: string;
  users: DevIdpUserInput[] | string | undefined;
  /** `backchannelLogoutUri` is resolved: a normalised URL, or absent. */
  clients: DevIdpClient[];
  mode: DevIdpMode;
  groupsClaim: string;
  accessTokenTtl: number;
  idTokenTtl: number;
  refreshTokenTtl: number;
  rotateRefreshToken: boolean;
  signingAlg: DevIdpSigningAlg;
  stateFile: string | undefined;
  quiet: boolean;
  /** RFC 9126 required of every client (discovery says so). */
  requirePushedAuthorizationRequests: boolean;
  /** Resource servers (RFC 8707), checked: absolute URIs without fragment, scope and lifetime filled in. */
  resources: Record<string, Required<DevIdpResource>>;
  /** `oidc` mode only: the step-up second factor (acr `mfa`). */
  secondFactor: boolean;
  /** `oidc` mode only: DPoP (RFC 9449), with the secret its nonces are made from. */
  dpop?: { requireNonce: boolean; nonceSecret: Buffer };
}

const THIRTY_DAYS = 30 * 24 * 60 * 60;

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  // oidc-provider only accepts positive integer lifetimes.
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`dev IdP: ${name} must be a positive whole number of seconds, got ${String(value)}`);
  }
  return value;
}

function absoluteUrls(label: string, values: unknown): string[] {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' && URL.canParse(v))) {
    throw new Error(`dev IdP: ${label} must be an array of absolute URLs`);
  }
  return [...values];
}

/** A back-channel logout URI: absent for false/''/undefined, else an http(s) URL without fragment (spec). */
function backchannelUri(label: string, value: unknown): string | undefined {
  if (value === undefined || value === false || value === '') return undefined;
  const url = typeof value === 'string' && !value.includes('#') && URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new Error(`dev IdP: ${label} must be an absolute http(s) URL without a fragment (or false), got "${String(value)}"`);
  }
  return url.href;
}

/** `resources`: absolute URIs without fragment (RFC 8707 §2), a scope string, a positive lifetime. */
function checkResources(value: unknown, accessTokenTtl: number): Record<string, Required<DevIdpResource>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('dev IdP: resources must be an object keyed by resource URI');
  const out: Record<string, Required<DevIdpResource>> = {};
  for (const [uri, resource] of Object.entries(value as Record<string, unknown>)) {
    if (!URL.canParse(uri) || uri.includes('#')) throw new Error(`dev IdP: resources: "${uri}" must be an absolute URI without a fragment`);
    const r = (resource ?? {}) as DevIdpResource;
    if (typeof r !== 'object') throw new Error(`dev IdP: resources["${uri}"] must be an object`);
    if (r.scope !== undefined && typeof r.scope !== 'string') throw new Error(`dev IdP: resources["${uri}"].scope must be a space-separated string`);
    out[uri] = { scope: r.scope ?? '', accessTokenTtl: seconds(`resources["${uri}"].accessTokenTtl`, r.accessTokenTtl, accessTokenTtl) };
  }
  return out;
}

function checkClient(client: DevIdpClient, index: number, defaultBackchannelUri: string | undefined): DevIdpClient {
  const label = `clients[${index}]`;
  if (typeof client.clientId !== 'string' || client.clientId.length === 0) {
    throw new Error(`dev IdP: ${label}.clientId must be a non-empty string`);
  }
  if (client.clientSecret !== undefined && (typeof client.clientSecret !== 'string' || client.clientSecret.length === 0)) {
    throw new Error(`dev IdP: ${label}.clientSecret must be a non-empty string when given`);
  }
  const redirectUris = absoluteUrls(`${label}.redirectUris`, client.redirectUris);
  if (redirectUris.length === 0) throw new Error(`dev IdP: ${label}.redirectUris must not be empty`);
  const backchannelLogoutUri =
    client.backchannelLogoutUri === undefined ? defaultBackchannelUri : backchannelUri(`${label}.backchannelLogoutUri`, client.backchannelLogoutUri);
  const flows: unknown = client.authFlows;
  if (flows !== undefined && (!Array.isArray(flows) || flows.some((f) => !(ALL_AUTH_FLOWS as readonly unknown[]).includes(f)))) {
    throw new Error(`dev IdP: ${label}.authFlows must list some of ${ALL_AUTH_FLOWS.join(', ')}`);
  }
  return {
    clientId: client.clientId,
    ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
    redirectUris,
    postLogoutRedirectUris: absoluteUrls(`${label}.postLogoutRedirectUris`, client.postLogoutRedirectUris ?? []),
    ...(backchannelLogoutUri === undefined ? {} : { backchannelLogoutUri }),
    ...(client.authFlows === undefined ? {} : { authFlows: [...client.authFlows] }),
    ...checkClientAuth(client, label),
    ...(client.dpopBoundAccessTokens === undefined ? {} : { dpopBoundAccessTokens: checkBoolean(`${label}.dpopBoundAccessTokens`, client.dpopBoundAccessTokens) }),
  };
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`dev IdP: ${name} must be true or false`);
  return value;
}

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;

/** `tokenEndpointAuthMethod`, `jwksUri` / `jwks`, `requirePushedAuthorizationRequests`: each method has what it needs. */
function checkClientAuth(client: DevIdpClient, label: string): Pick<DevIdpClient, 'tokenEndpointAuthMethod' | 'jwksUri' | 'jwks' | 'requirePushedAuthorizationRequests'> {
  const method = client.tokenEndpointAuthMethod;
  if (method !== undefined && !AUTH_METHODS.includes(method)) {
    throw new Error(`dev IdP: ${label}.tokenEndpointAuthMethod must be one of ${AUTH_METHODS.join(', ')}, got "${String(method)}"`);
  }
  const secret = client.clientSecret !== undefined;
  if ((method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt') && !secret) {
    throw new Error(`dev IdP: ${label}.clientSecret is required with tokenEndpointAuthMethod "${method}"`);
  }
  if (method === 'none' && secret) throw new Error(`dev IdP: ${label}.clientSecret must not be given with tokenEndpointAuthMethod "none"`);
  if (client.jwksUri !== undefined && client.jwks !== undefined) throw new Error(`dev IdP: ${label}: give jwksUri or jwks, not both`);
  if (client.jwksUri !== undefined && !(typeof client.jwksUri === 'string' && /^https?:$/.test(URL.canParse(client.jwksUri) ? new URL(client.jwksUri).protocol : ''))) {
    throw new Error(`dev IdP: ${label}.jwksUri must be an absolute http(s) URL`);
  }
  if (client.jwks !== undefined && !(typeof client.jwks === 'object' && client.jwks !== null && Array.isArray(client.jwks.keys))) {
    throw new Error(`dev IdP: ${label}.jwks must be a JWK Set ({ keys: [...] })`);
  }
  if (method === 'private_key_jwt' && client.jwksUri === undefined && client.jwks === undefined) {
    throw new Error(`dev IdP: ${label}.jwksUri or ${label}.jwks is required with tokenEndpointAuthMethod "private_key_jwt"`);
  }
  if (client.requirePushedAuthorizationRequests !== undefined && typeof client.requirePushedAuthorizationRequests !== 'boolean') {
    throw new Error(`dev IdP: ${label}.requirePushedAuthorizationRequests must be true or false`);
  }
  return {
    ...(method === undefined ? {} : { tokenEndpointAuthMethod: method }),
    ...(client.jwksUri === undefined ? {} : { jwksUri: new URL(client.jwksUri).href }),
    ...(client.jwks === undefined ? {} : { jwks: { keys: [...client.jwks.keys] } }),
    ...(client.requirePushedAuthorizationRequests ? { requirePushedAuthorizationRequests: true } : {}),
  };
}

/**
 * Applies defaults to {@link DevIdpOptions} and rejects bad values with a
 * message naming the option (a non-loopback host among them).
 *
 * @example
 * ```ts
 * resolveOptions({ port: 0 }).host; // '127.0.0.1'
 * ```
 */
export function resolveOptions(options: DevIdpOptions): ResolvedOptions {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new Error(`dev IdP: host "${host}" is not a loopback address; the development IdP only binds to 127.x.x.x, ::1 or localhost`);
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`dev IdP: port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  const mode = options.mode ?? 'cognito';
  if (mode !== 'cognito' && mode !== 'oidc') throw new Error(`dev IdP: mode must be "cognito" or "oidc", got "${String(mode)}"`);
  const groupsClaim = options.groupsClaim ?? 'groups';
  if (typeof groupsClaim !== 'string' || groupsClaim.length === 0) throw new Error('dev IdP: groupsClaim must be a non-empty string');

  const defaultBackchannelUri = backchannelUri('backchannelLogoutUri', options.backchannelLogoutUri);
  const clients = (options.clients ?? [DEFAULT_CLIENT]).map((client, index) => checkClient(client, index, defaultBackchannelUri));
  if (clients.length === 0) throw new Error('dev IdP: clients must not be empty');
  const ids = new Set(clients.map((c) => c.clientId));
  if (ids.size !== clients.length) throw new Error('dev IdP: client ids must be unique');

  const signingAlg = options.signingAlg ?? 'RS256';
  if (!SIGNING_ALGS.includes(signingAlg)) throw new Error(`dev IdP: signingAlg must be one of ${SIGNING_ALGS.join(', ')}, got "${String(signingAlg)}"`);

  const accessTokenTtl = seconds('accessTokenTtl', options.accessTokenTtl, 3600);
  return {
    port,
    host,
    users: options.users,
    clients,
    mode,
    groupsClaim,
    accessTokenTtl,
    idTokenTtl: seconds('idTokenTtl', options.idTokenTtl, accessTokenTtl),
    refreshTokenTtl: seconds('refreshTokenTtl', options.refreshTokenTtl, THIRTY_DAYS),
    rotateRefreshToken: options.rotateRefreshToken ?? true,
    signingAlg,
    stateFile: options.stateFile,
    quiet: options.quiet ?? false,
    resources: checkResources(options.resources, accessTokenTtl),
    requirePushedAuthorizationRequests: checkRequirePar(options.requirePushedAuthorizationRequests),
    secondFactor: checkSecondFactor(options.secondFactor, mode),
    ...checkDPoP(options.dpop, mode),
  };
}

/** `dpop`: a boolean or `{ requireNonce }`, oidc mode only (Cognito has no DPoP). */
function checkDPoP(value: unknown, mode: DevIdpMode): { dpop?: { requireNonce: boolean; nonceSecret: Buffer } } {
  if (value === undefined || value === false) return {};
  const requireNonce = typeof value === 'object' && value !== null ? (value as { requireNonce?: unknown }).requireNonce ?? false : undefined;
  if (value !== true && typeof requireNonce !== 'boolean') throw new Error('dev IdP: dpop must be true, false or { requireNonce: boolean }');
  if (mode !== 'oidc') throw new Error('dev IdP: dpop needs mode "oidc" (Cognito has no DPoP)');
  return { dpop: { requireNonce: requireNonce === true, nonceSecret: randomBytes(32) } };
}

/** `secondFactor`: a boolean, and oidc mode only (Cognito issues no `acr` and ignores `acr_values`). */
function checkSecondFactor(value: unknown, mode: DevIdpMode): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true) throw new Error('dev IdP: secondFactor must be true or false');
  if (mode !== 'oidc') throw new Error('dev IdP: secondFactor needs mode "oidc" (Cognito issues no acr claim and ignores acr_values)');
  return true;
}

/** `requirePushedAuthorizationRequests`: a boolean. */
function checkRequirePar(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new Error('dev IdP: requirePushedAuthorizationRequests must be true or false');
  return value;
}
