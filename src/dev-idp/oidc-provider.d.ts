// Minimal typings for the parts of oidc-provider 9 (which ships no types)
// that the dev IdP uses. Only what we touch is declared; widen with care.
// Kept out of the dev IdP's public types so consumers never need them.

declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Koa's cookie jar (`cookies` package) as the provider's Koa app exposes it. */
  export interface KoaCookies {
    get(name: string, options?: { signed?: boolean }): string | undefined;
    set(name: string, value: string | null, options?: Record<string, unknown>): void;
  }

  /** The slice of a Koa context the dev IdP reads and writes. */
  export interface KoaContext {
    readonly method: string;
    readonly path: string;
    /** Koa's setter rewrites the request URL (and `query`). */
    querystring: string;
    readonly query: Record<string, string | string[] | undefined>;
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly cookies: KoaCookies;
    status: number;
    body: unknown;
    type: string;
    set(field: string, value: string | string[]): void;
    get(field: string): string;
    redirect(url: string): void;
    /** Present once the request reached the provider's own router. */
    readonly oidc?: OIDCContext;
  }

  export type KoaNext = () => Promise<void>;
  export type KoaMiddleware = (ctx: KoaContext, next: KoaNext) => Promise<void>;

  export interface ClientInstance {
    readonly clientId: string;
    readonly clientAuthMethod: string;
    readonly redirectUris: string[];
    readonly postLogoutRedirectUris?: string[];
    readonly backchannelLogoutUri?: string;
    grantTypeAllowed(grantType: string): boolean;
    /** POSTs a signed logout token (`sid` included when session-required); rejects unless answered 200/204. */
    backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
  }

  export interface ClientModel {
    find(id: string): Promise<ClientInstance | undefined>;
  }

  export interface TokenInstance {
    readonly jti: string;
    readonly kind: string;
    readonly clientId?: string;
    readonly accountId?: string;
    readonly grantId?: string;
    readonly authTime?: number;
    readonly exp?: number;
    readonly remainingTTL: number;
  }

  export interface GrantInstance {
    readonly jti: string;
    readonly accountId?: string;
    readonly clientId?: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantModel {
    new (properties: { clientId: string; accountId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  export interface SessionInstance {
    readonly accountId?: string;
    /** The `acr` of the last login (`interactionResult`'s `login.acr`). */
    readonly acr?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  export interface ResourceServerInstance {
    readonly scopes: Set<string>;
  }

  export interface OIDCContext {
    readonly provider: Provider;
    readonly params?: Record<string, unknown>;
    readonly client?: ClientInstance;
    readonly session?: SessionInstance;
    readonly account?: { readonly accountId: string };
    readonly result?: { readonly consent?: { readonly grantId?: string } };
    readonly entities: Readonly<Record<string, TokenInstance | undefined>>;
    readonly requestParamScopes: Set<string>;
    readonly requestParamOIDCScopes: Set<string>;
    readonly requestParamClaims: Set<string>;
    readonly resourceServers: Record<string, ResourceServerInstance>;
  }

  export interface InteractionDetails {
    readonly uid: string;
    readonly returnTo: string;
    readonly prompt: { readonly name: string; readonly reasons: string[] };
    readonly params: Record<string, unknown>;
    readonly session?: { readonly accountId?: string; readonly uid?: string };
  }

  /** What `findAccount` resolves to. */
  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  /** The adapter contract (oidc-provider's documented adapter interface). */
  export interface Adapter {
    upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void>;
    find(id: string): Promise<Record<string, unknown> | undefined>;
    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined>;
    findByUid(uid: string): Promise<Record<string, unknown> | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: object);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: GrantModel;
    readonly Client: ClientModel;
    /** RFC 8707 resource servers as the provider models them (`getResourceServerInfo`'s result). */
    readonly ResourceServer: new (identifier: string, info: object) => ResourceServerInstance;
    use(middleware: KoaMiddleware): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    cookieName(type: 'session' | 'interaction' | 'resume'): string;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: 'access_token.issued' | 'refresh_token.saved', listener: (token: TokenInstance) => void): this;
    on(event: 'server_error', listener: (ctx: KoaContext, error: Error) => void): this;
  }

  export class Prompt {
    constructor(options: { name: string; requestable: boolean });
    readonly name: string;
    readonly checks: { remove(reason: string): void; add(check: Check, index?: number): void };
  }

  /** One reason to show a prompt; `check` answers `Check.REQUEST_PROMPT` (true) or `Check.NO_NEED_TO_PROMPT` (false). */
  export class Check {
    constructor(reason: string, description: string, check: (ctx: KoaContext) => boolean | Promise<boolean>);
    static readonly REQUEST_PROMPT: true;
    static readonly NO_NEED_TO_PROMPT: false;
  }

  export interface Policy extends Array<Prompt> {
    add(prompt: Prompt, index?: number): void;
    get(name: string): Prompt | undefined;
  }

  export const interactionPolicy: {
    base(): Policy;
    Prompt: typeof Prompt;
    Check: typeof Check;
  };

  export default Provider;
}
