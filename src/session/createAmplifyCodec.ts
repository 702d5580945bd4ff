import type { CookieDeleteOptions, CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { decodeAmplifyCookieName } from '../cookies/decodeAmplifyCookieName.js';
import { encodeAmplifyCookieName } from '../cookies/encodeAmplifyCookieName.js';
import { expireRequestCookie } from '../cookies/expireRequestCookie.js';
import { AuthError } from '../errors/AuthError.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';
import type { Session } from './Session.js';
import type { SessionCodec } from './SessionCodec.js';
import type { TokenSet } from './TokenSet.js';
import { issuedTogether } from './issuedTogether.js';
import { toSession } from './toSession.js';

export interface AmplifyCodecOptions {
  /** The user pool app client id (`userPoolClientId`); every cookie name contains it. */
  clientId: string;
  /** Verifies the tokens on every read: they come from cookies nobody sealed. */
  verifier: TokenVerifier;
  /**
   * Attributes of the cookies written. Use the same `domain` and `path` as the
   * browser's Amplify cookie storage (default: no domain, `/`), or the browser
   * ends up with two cookies of one name (amplify-js #13509, #14007).
   *
   * `httpOnly` defaults to `false`, because Amplify's browser code reads these
   * cookies with `document.cookie`: an httpOnly token cookie is invisible to
   * it (client-side `fetchAuthSession` sees no user) and its own writes to
   * that name are ignored by the browser. `true` keeps tokens away from
   * scripts (an XSS cannot read them) and suits apps whose browser code no
   * longer uses Amplify Auth.
   */
  cookieOptions: CookieOptions & { maxAge: number };
  /**
   * The cut-off list ("signed out everywhere", back-channel logout): `true`
   * means signed out. Asked once per ID token (then remembered in this
   * process until a cut-off arrives through `onRevoked`).
   */
  isRevoked?: (session: Session) => Promise<boolean>;
  /** Subscribes to cut-offs (this process's and pushed ones): the remembered answers are dropped. */
  onRevoked?: (listener: () => void) => void;
}

// Amplify v6 (`@aws-amplify/auth` TokenStore): keys are
// `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` and
// `CognitoIdentityServiceProvider.<clientId>.<username>.<key>`, with the raw
// username; js-cookie percent-encodes the whole name on write.
const PREFIX = 'CognitoIdentityServiceProvider';
const TOKEN_KEYS = ['idToken', 'accessToken', 'refreshToken'] as const;
type TokenKey = (typeof TOKEN_KEYS)[number];
// What Amplify's own `clearTokens` removes for a user: the session, not the device.
const SESSION_KEYS = [...TOKEN_KEYS, 'clockDrift', 'signInDetails', 'oauthMetadata'] as const;
// Every per-user key Amplify writes (AuthTokenStorageKeys).
const USER_KEYS = [...SESSION_KEYS, 'oidcProvider', 'deviceKey', 'randomPasswordKey', 'deviceGroupKey'] as const;
// Per-client keys; AuthUserList is the multi-session roster of newer Amplify.
const CLIENT_KEYS = ['LastAuthUser', 'AuthUserList'] as const;
/**
 * Seconds Amplify's cookies live (the Next.js adapter's server writes and the
 * browser `CookieStorage` both use 365 days): the amplify codec's default.
 */
export const AMPLIFY_COOKIE_MAX_AGE = 365 * 24 * 3600;
// Browsers drop a cookie whose name + value exceed 4096 bytes (RFC 6265 §6.1 minimum, Chrome and Firefox limit).
const BROWSER_COOKIE_LIMIT = 4096;

/** One cookie of this client as the request carried it. */
interface WireCookie {
  wireName: string;
  value: string;
}

/**
 * The `amplify` codec: Amplify JS v6's cookie layout, so an app whose browser
 * code runs `Amplify.configure(outputs, { ssr: true })` keeps its users signed
 * in when the server side switches to this library, and both sides keep
 * reading and writing the same cookies:
 *
 * - `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` = username
 * - `CognitoIdentityServiceProvider.<clientId>.<username>.idToken` / `.accessToken` / `.refreshToken`
 *
 * Names are encoded as js-cookie encodes them (`@` → `%40`, space → `%20`,
 * `+` kept). Reads match names the way js-cookie does (by their decoded
 * form), so unencoded leftovers of older adapters are found too; the
 * canonical encoding wins when both exist. A name the request carried twice
 * (where the raw `Cookie` header is visible: middleware/proxy,
 * `{ request, response }` route handlers, Pages Router) reads as signed out:
 * the second copy was planted by someone else. Writes and sign-out expire
 * every variant, including raw `@` / `(` / `)` names older adapters wrote.
 *
 * Nothing authenticates these cookies but the tokens' signatures, so every
 * read verifies both tokens (signature, `iss`, audience / `client_id`,
 * `token_use`) and that they belong together: one `sub`, one issuance
 * (`origin_jti`, `auth_time`, `iat`). The session's `expiresAt` is the
 * earlier of the two tokens' `exp`; the caller refreshes then (or signs out
 * without a refresh token). Anything missing, foreign or tampered reads as
 * signed out.
 *
 * The username in the names is the access token's `username` claim (what
 * Amplify uses after a hosted-UI sign-in), else the ID token's
 * `cognito:username`, else `sub`. On read the name under `LastAuthUser` is
 * trusted as a lookup key only: Amplify's password sign-in may store the
 * name as typed (an alias), and the verified tokens, not the name, say who
 * the user is.
 *
 * @example
 * ```ts
 * const codec = createAmplifyCodec({ clientId: outputs.auth.user_pool_client_id, verifier,
 *   cookieOptions: { secure: true, sameSite: 'lax', path: '/', maxAge: 365 * 86400 } });
 * await codec.write(store, tokens); // LastAuthUser + idToken + accessToken + refreshToken
 * const session = await codec.read(store); // verified on every read
 * codec.clear(store); // every Amplify cookie of this client, for every username found
 * ```
 */
export function createAmplifyCodec(options: AmplifyCodecOptions): SessionCodec {
  const { clientId, verifier, isRevoked } = options;
  // ID tokens whose cut-off check said "not revoked"; forgotten at every cut-off.
  const notRevoked = new Set<string>();
  let cutGeneration = 0;
  options.onRevoked?.(() => {
    cutGeneration++;
    notRevoked.clear();
  });
  const clientPrefix = `${PREFIX}.${clientId}.`;
  const setOptions: CookieOptions = { ...options.cookieOptions, httpOnly: options.cookieOptions.httpOnly ?? false };
  const { path, domain, secure, sameSite } = setOptions;
  const deleteOptions: CookieDeleteOptions = {
    ...(path !== undefined && { path }),
    ...(domain !== undefined && { domain }),
    ...(secure !== undefined && { secure }),
    ...(sameSite !== undefined && { sameSite }),
  };

  const clientKey = (key: (typeof CLIENT_KEYS)[number]): string => `${clientPrefix}${key}`;
  const userKey = (username: string, key: (typeof USER_KEYS)[number]): string => `${clientPrefix}${username}.${key}`;

  /** This client's cookies by decoded name, in request order. */
  function indexCookies(store: CookieStore): Map<string, WireCookie[]> {
    const index = new Map<string, WireCookie[]>();
    for (const { name, value } of store.getAll()) {
      const key = decodeAmplifyCookieName(name);
      if (key === undefined || !key.startsWith(clientPrefix)) continue;
      const list = index.get(key);
      if (list) list.push({ wireName: name, value });
      else index.set(key, [{ wireName: name, value }]);
    }
    return index;
  }

  /** The value under `key`: its canonical name first, else the first variant (js-cookie's pick). Empty is absent. */
  function pick(index: Map<string, WireCookie[]>, key: string): string | undefined {
    const list = index.get(key);
    if (!list) return undefined;
    const canonical = encodeAmplifyCookieName(key);
    const value = (list.find((c) => c.wireName === canonical) ?? list[0])?.value;
    return value === '' ? undefined : value;
  }

  function expire(store: CookieStore, wireName: string): void {
    // Raw `@` / `(` / `)` names (adapter-nextjs 1.6 and 1.8 wrote them) are
    // expired by their exact name; one no header can carry is skipped.
    expireRequestCookie(store, wireName, deleteOptions);
  }

  /** Expires every variant of `key` except `keep` (a name just written). */
  function expireVariants(store: CookieStore, index: Map<string, WireCookie[]>, key: string, keep?: string): void {
    for (const { wireName } of index.get(key) ?? []) if (wireName !== keep) expire(store, wireName);
  }

  return {
    async read(store: CookieStore): Promise<Session | undefined> {
      try {
        const index = indexCookies(store);
        const username = pick(index, clientKey('LastAuthUser'));
        if (username === undefined) return undefined;
        const idToken = pick(index, userKey(username, 'idToken'));
        const accessToken = pick(index, userKey(username, 'accessToken'));
        if (idToken === undefined || accessToken === undefined) return undefined;
        const refreshToken = pick(index, userKey(username, 'refreshToken'));
        // A name the request carried twice: someone (a sibling subdomain, a
        // path-scoped cookie) planted one, and which copy is ours cannot be known.
        const used = [clientKey('LastAuthUser'), ...TOKEN_KEYS.map((k) => userKey(username, k))];
        if (used.some((key) => index.get(key)?.some((c) => store.isAmbiguous(c.wireName)))) return undefined;
        const [id, at] = await Promise.all([
          verifier.verifyIdToken(idToken, { ignoreExpiry: true }),
          verifier.verifyAccessToken(accessToken, { ignoreExpiry: true }),
        ]);
        // Identity and groups come from the ID token: it must be from the same
        // issuance as the access token (not yesterday's, with yesterday's groups),
        // and carry an `exp` (toSession ends the session at the earlier one).
        if (!issuedTogether(id.payload, at.payload)) return undefined;
        if (typeof id.payload.exp !== 'number') return undefined;
        const session = toSession({ idToken, accessToken, ...(refreshToken !== undefined && { refreshToken }) });
        if (isRevoked !== undefined && !notRevoked.has(idToken)) {
          const started = cutGeneration;
          if (await isRevoked(session)) return undefined;
          if (started === cutGeneration) {
            notRevoked.add(idToken);
            if (notRevoked.size > 10_000) notRevoked.delete(notRevoked.values().next().value as string);
          }
        }
        return session;
      } catch {
        return undefined;
      }
    },

    async write(store: CookieStore, tokens: TokenSet): Promise<Session> {
      const session = toSession(tokens);
      const username = usernameOf(session);
      const values: Array<[string, string]> = [[clientKey('LastAuthUser'), username]];
      for (const key of TOKEN_KEYS) {
        const value = tokenValue(tokens, key);
        if (value !== undefined) values.push([userKey(username, key), value]);
      }
      // Refuse before writing anything: a browser silently drops an oversized
      // cookie, which would look signed in now and signed out on the next request.
      for (const [key, value] of values) {
        const size = encodeAmplifyCookieName(key).length + encodeURIComponent(value).length;
        if (size > BROWSER_COOKIE_LIMIT) {
          throw new AuthError(
            'InvalidConfig',
            `The amplify session codec cannot store ${key.slice(clientPrefix.length)}: name + value is ${size} bytes, over the ${BROWSER_COOKIE_LIMIT}-byte ` +
              'browser cookie limit (Amplify writes one raw token per cookie and breaks the same way, amplify-js #11649). ' +
              "Use the sealed codec (it chunks) or make the token smaller (fewer claims or groups in the pool's tokens).",
          );
        }
      }

      const index = indexCookies(store);
      const previous = pick(index, clientKey('LastAuthUser'));
      if (previous !== undefined && previous !== username) {
        for (const key of SESSION_KEYS) expireVariants(store, index, userKey(previous, key));
      }
      for (const [key, value] of values) {
        const name = encodeAmplifyCookieName(key);
        store.set(name, value, setOptions);
        expireVariants(store, index, key, name);
      }
      // The cookies hold exactly `tokens`: no refresh token left from an earlier write.
      if (tokens.refreshToken === undefined) expireVariants(store, index, userKey(username, 'refreshToken'));
      return session;
    },

    clear(store: CookieStore): void {
      for (const { name } of store.getAll()) {
        const key = decodeAmplifyCookieName(name);
        if (key === undefined || !key.startsWith(clientPrefix)) continue;
        const rest = key.slice(clientPrefix.length);
        const ours =
          (CLIENT_KEYS as readonly string[]).includes(rest) ||
          USER_KEYS.some((k) => rest.length > k.length + 1 && rest.endsWith(`.${k}`));
        if (ours) expire(store, name);
      }
    },
  };
}

function tokenValue(tokens: TokenSet, key: TokenKey): string | undefined {
  return key === 'idToken' ? tokens.idToken : key === 'accessToken' ? tokens.accessToken : tokens.refreshToken;
}

/** The username Amplify keys cookies by: Cognito's access token `username`, else `cognito:username`, else `sub`. */
function usernameOf(session: Session): string {
  for (const candidate of [session.accessToken.payload.username, session.idToken.payload['cognito:username'], session.accessToken.payload.sub]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  throw new AuthError('TokenInvalid', 'Access token has neither username nor sub');
}
