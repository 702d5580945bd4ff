/**
 * The bad-input corpus (issue 8, item 9b): hostile cookies, sign-in
 * callbacks, guarded paths and sign-out requests, each with the outcome the
 * library must give. `badInput.corpus.test.ts` runs every entry against the
 * real stack (server runner, route handlers, guard, dev IdP) and prints the
 * counts. Placeholders and filters are described in `corpusTypes.ts`;
 * the material behind them is made in `corpusStack.ts`.
 *
 * Where the issue allows more than one safe answer (a malformed path may be a
 * 400 or a sign-in redirect; an odd cookie name may be ignored or deleted),
 * the entry lists that documented set, never "anything but a 500".
 */
import type { CallbackEntry, ClearedSpec, CookieEntry, CorpusEntry, CorpusRunner, GuardOutcome, PathEntry, SignOutEntry } from './corpusTypes.js';

// ─── cookies ────────────────────────────────────────────────────────────────

const S = 'nsa.session';
/** A sealed-codec cookie read as signed out, expiring exactly `cleared`. */
function out(id: string, title: string, cookie: string, cleared: ClearedSpec = [], runner: CorpusRunner = 'sealed'): CookieEntry {
  return { id, surface: 'cookie', title, input: { runner, cookie }, expect: { session: 'signed-out', cleared } };
}
/** Odd input that must still read the valid session it carries (tolerated, not refused). */
function stillIn(id: string, title: string, cookie: string, runner: CorpusRunner = 'sealed'): CookieEntry {
  return { id, surface: 'cookie', title, input: { runner, cookie }, expect: { session: 'signed-in', cleared: [] } };
}
/** Either left alone or deleted (item 5: odd names are "ignored or deleted"). */
const ignoredOrDeleted = (...names: string[]): ClearedSpec => ({ subsetOf: names });
/** A refresh the IdP rejects clears the session; a library that checks signatures first never gets that far and leaves it. */
const refusedOrRejected: ClearedSpec = { oneOf: [[], ['@session']] };

const A = '{{P}}.{{U}}';
const amplify = (id: string, at: string, extra = '') => `{{P}}.LastAuthUser={{user}}; ${A}.idToken=${id}; ${A}.accessToken=${at}${extra}`;
const AMP_NAMES = ['{{P}}.LastAuthUser', `${A}.idToken`, `${A}.accessToken`, `${A}.refreshToken`];

export const cookieEntries: CookieEntry[] = [
  // Garbage where a seal should be.
  out('cookie-001', 'empty session cookie', `${S}=`),
  out('cookie-002', 'one character', `${S}=x`),
  out('cookie-003', 'iron prefix only', `${S}=Fe26.2**`),
  out('cookie-004', 'iron-shaped garbage with every field', `${S}=Fe26.2*1*{{"a"|rep:43}}*{{"b"|rep:22}}*{{"c"|rep:64}}**{{"d"|rep:43}}*{{"e"|rep:43}}~2`),
  out('cookie-005', 'random 4.5 KB base64url', `${S}={{random4k}}`),
  out('cookie-006', 'JSON in place of a seal', `${S}={"v":1,"id":"a","at":"b"}`),
  out('cookie-007', 'name without "="', S),
  out('cookie-008', 'malformed percent-encoding', `${S}=%E0%A4%A`),
  out('cookie-009', 'only separators', `${S}=*****~~~~`),
  out('cookie-010', 'the literal "undefined"', `${S}=undefined`),
  // A valid seal, damaged.
  out('cookie-011', 'seal truncated by 10 characters', `${S}={{whole|drop:10}}`),
  out('cookie-012', 'seal truncated to its first half', `${S}={{whole|take:300}}`),
  out('cookie-013', 'one character of the ciphertext changed', `${S}={{whole|flip}}`),
  out('cookie-014', 'seal extended by one character', `${S}={{whole}}A`),
  out('cookie-015', 'trailing "~2" after a valid seal (iron splits on ~)', `${S}={{whole}}~2`),
  out('cookie-016', 'trailing "~" after a valid seal', `${S}={{whole}}~`),
  out('cookie-017', 'trailing "*" after a valid seal', `${S}={{whole}}*`),
  out('cookie-018', 'trailing encoded space after a valid seal', `${S}={{whole}}%20`),
  out('cookie-019', 'trailing NUL after a valid seal', `${S}={{whole}}%00`),
  out('cookie-020', 'trailing CRLF after a valid seal', `${S}={{whole}}%0D%0A`),
  out('cookie-021', 'trailing 50 KB after a valid seal', `${S}={{whole}}{{"x"|rep:50000}}`),
  out('cookie-022', 'a character before a valid seal', `${S}=x{{whole}}`),
  out('cookie-023', 'seal version downgraded to Fe26.1', `${S}={{whole|sub:Fe26.2:Fe26.1}}`),
  out('cookie-024', 'password id changed to an unknown one', `${S}={{whole|sub:*1*:*9*}}`),
  out('cookie-025', 'iron-session version suffix changed to ~3', `${S}={{whole|sub:~2:~3}}`),
  out('cookie-026', 'the seal twice in one value', `${S}={{whole}}{{whole}}`),
  out('cookie-027', 'a valid seal plus a stray chunk beside it (extra chunk)', `${S}={{whole}}; ${S}.0=junk`, { subsetOf: [S, `${S}.0`] }),
  // Chunks.
  out('cookie-028', 'first chunk only', `${S}.0={{chunk0}}`),
  out('cookie-029', 'second chunk only', `${S}.1={{chunk1}}`),
  out('cookie-030', 'chunk values swapped', `${S}.0={{chunk1}}; ${S}.1={{chunk0}}`),
  out('cookie-031', 'an extra third chunk of junk', `${S}.0={{chunk0}}; ${S}.1={{chunk1}}; ${S}.2=junk`),
  out('cookie-032', 'an extra third chunk repeating the second', `${S}.0={{chunk0}}; ${S}.1={{chunk1}}; ${S}.2={{chunk1}}`),
  out('cookie-033', 'a gap: chunks 0 and 2', `${S}.0={{chunk0}}; ${S}.2={{chunk1}}`),
  out('cookie-034', 'non-canonical indexes .00 and .01', `${S}.00={{chunk0}}; ${S}.01={{chunk1}}`),
  out('cookie-035', 'first chunk twice, both valid', `${S}.0={{chunk0}}; ${S}.0={{chunk0}}; ${S}.1={{chunk1}}`),
  out('cookie-036', 'first chunk twice, planted copy second', `${S}.0={{chunk0}}; ${S}.0=planted; ${S}.1={{chunk1}}`),
  out('cookie-037', 'first chunk twice, planted copy first', `${S}.0=planted; ${S}.0={{chunk0}}; ${S}.1={{chunk1}}`),
  out('cookie-038', 'whole cookie twice, planted copy second', `${S}={{whole}}; ${S}=planted`),
  out('cookie-039', 'whole cookie twice, planted copy first', `${S}=planted; ${S}={{whole}}`),
  out('cookie-040', 'whole cookie twice, same value', `${S}={{whole}}; ${S}={{whole}}`),
  out('cookie-041', 'an empty second chunk', `${S}.0={{chunk0}}; ${S}.1=`),
  out('cookie-042', 'chunks of two different sessions mixed', `${S}.0={{chunk0}}; ${S}.1={{chunkB1}}`),
  out('cookie-043', 'a gap past the end: chunks 0, 1 and 3', `${S}.0={{chunk0}}; ${S}.1={{chunk1}}; ${S}.3=junk`),
  out('cookie-044', 'second chunk truncated', `${S}.0={{chunk0}}; ${S}.1={{chunk1|drop:10}}`),
  out('cookie-045', 'last character of the MAC changed', `${S}.0={{chunk0}}; ${S}.1={{chunk1|drop:1}}A`),
  stillIn('cookie-046', 'chunks sent out of order (.1 before .0) still read', `${S}.1={{chunk1}}; ${S}.0={{chunk0}}`),
  // Size.
  out('cookie-047', 'an 8 KB value', `${S}={{"A"|rep:8000}}`),
  out('cookie-048', '100 chunks of 3.8 KB', '{{hugeChunks}}'),
  out('cookie-049', '1,000 tiny chunks', '{{tinyChunks}}'),
  out('cookie-050', '100 KB of percent escapes', `${S}={{"%41"|rep:33000}}`),
  out('cookie-051', 'a genuinely sealed 200 KB payload (over any bound a real session needs)', '{{hugeSeal}}'),
  // NUL, CRLF, non-ASCII.
  out('cookie-052', 'encoded NUL', `${S}=%00`),
  out('cookie-053', 'encoded CRLF and a Set-Cookie after it', `${S}=%0D%0ASet-Cookie:%20${S}=x`),
  out('cookie-054', 'raw UTF-8 bytes in the value', `${S}={{"🍪é漢"|latin1}}`),
  out('cookie-055', 'percent-encoded emoji', `${S}=%F0%9F%8D%AA%F0%9F%8D%AA`),
  out('cookie-056', 'an encoded lone surrogate', `${S}=%ED%A0%80`),
  out('cookie-057', 'raw Latin-1 bytes', `${S}=\u00ff\u00fe\u00e9`),
  out('cookie-058', 'a value of only ";"-separated empties', `;;;; ${S}=; ;`),
  out('cookie-059', 'several "=" in the value', `${S}=a=b=c`),
  // Odd names (item 5: ignored or deleted, never a 500).
  out('cookie-060', 'session name with "@"', `${S}@=x`, ignoredOrDeleted(`${S}@`)),
  out('cookie-061', 'chunk name with parentheses', `${S}.(0)=x`, ignoredOrDeleted(`${S}.(0)`)),
  out('cookie-062', 'transaction cookie name with "@"', 'nsa.tx.a@b=x', ignoredOrDeleted('nsa.tx.a@b')),
  out('cookie-063', 'transaction cookie name with parentheses', 'nsa.tx.(state)=x', ignoredOrDeleted('nsa.tx.(state)')),
  out('cookie-064', 'a space inside the name', 'nsa session=x'),
  out('cookie-065', 'raw UTF-8 bytes in the name', `${S}{{"é"|latin1}}=x`, ignoredOrDeleted(`${S}{{"é"|latin1}}`)),
  out('cookie-066', 'an empty name', '=x'),
  out('cookie-067', 'name with a comma and a slash', `${S},/=x`, ignoredOrDeleted(`${S},/`)),
  stillIn('cookie-068', 'a valid session beside odd-named cookies still reads', `${S}={{whole}}; nsa.tx.a@b=x; ${S}@=y; nsa.tx.(x)=z`),
  // Sealed by someone else.
  out('cookie-069', 'sealed with another secret', `${S}={{foreignWhole}}`),
  out('cookie-070', 'chunks sealed with another secret', `${S}.0={{foreign0}}; ${S}.1={{foreign1}}`),
  out('cookie-071', 'sealed under a password id this app does not have', `${S}={{rotatedWhole}}`),
  // Valid seals of wrong-shaped payloads (our own secret).
  out('cookie-072', 'payload {}', `${S}={{shapeEmpty}}`),
  out('cookie-073', 'payload []', `${S}={{shapeArray}}`),
  out('cookie-074', 'payload "a string"', `${S}={{shapeString}}`),
  out('cookie-075', 'payload null', `${S}={{shapeNull}}`),
  out('cookie-076', 'payload of another version (v: 2)', `${S}={{shapeV2}}`),
  out('cookie-077', 'payload whose ID token is a number', `${S}={{shapeIdNumber}}`),
  out('cookie-078', 'payload whose tokens are not JWTs', `${S}={{shapeNotJwt}}`),
  out('cookie-079', 'ID and access tokens swapped', `${S}={{shapeSwapped}}`),
  out('cookie-080', "Alice's ID token beside Bob's access token", `${S}={{shapeMixedUsers}}`),
  out('cookie-081', 'refresh token that is a number', `${S}={{shapeRtNumber}}`),
  out('cookie-082', 'tokens with alg "none"', `${S}={{shapeAlgNone}}`),
  out('cookie-083', 'tokens of another issuer', `${S}={{shapeForeignIss}}`),
  out('cookie-084', 'tokens for another client', `${S}={{shapeForeignAud}}`),
  out('cookie-085', 'empty access token', `${S}={{shapeEmptyAt}}`),
  out('cookie-086', 'access token without exp', `${S}={{shapeNoExp}}`),
  out('cookie-087', 'access token whose exp is a string', `${S}={{shapeExpString}}`),
  out('cookie-088', 'ID token passed off as access token (token_use id)', `${S}={{shapeTokenUseId}}`),
  // Expired.
  out('cookie-089', 'expired access token, no refresh token', `${S}={{expiredNoRt}}`, { oneOf: [[], ['@session']] }),
  out('cookie-090', 'expired access token, a refresh token the IdP never issued', `${S}={{expiredBadRt}}`, refusedOrRejected),
  out('cookie-091', 'expired access token, a 2 KB garbage refresh token', `${S}={{expiredGarbageRt}}`, refusedOrRejected),
  out('cookie-092', 'access token expired at the epoch', `${S}={{expiredEpoch}}`, refusedOrRejected),
  out('cookie-093', 'the seal itself expired (iron ttl)', `${S}={{ironExpired}}`, { oneOf: [[], ['@session']] }),
  // Amplify codec (tokens verified on every read).
  out('cookie-094', 'Amplify: garbage tokens', amplify('x', 'y'), [], 'amplify'),
  out('cookie-095', 'Amplify: LastAuthUser only', '{{P}}.LastAuthUser={{user}}', [], 'amplify'),
  out('cookie-096', 'Amplify: tokens without LastAuthUser', `${A}.idToken={{ampId}}; ${A}.accessToken={{ampAt}}`, [], 'amplify'),
  out('cookie-097', "Amplify: Alice's ID token with Bob's access token", amplify('{{ampId}}', '{{bobAt}}'), [], 'amplify'),
  out('cookie-098', 'Amplify: a pair from two sign-ins of the same user (not issued together)', amplify('{{alice2Id}}', '{{ampAt}}'), [], 'amplify'),
  out('cookie-099', 'Amplify: an old ID token beside a refreshed access token', amplify('{{oldId}}', '{{newAt}}'), [], 'amplify'),
  out('cookie-100', 'Amplify: expired ID token with a valid access token, no refresh token', amplify('{{shortId}}', '{{shortAt}}'), { subsetOf: AMP_NAMES }, 'amplifyShort'),
  out('cookie-101', 'Amplify: expired ID token with a valid access token, a refresh token the IdP never issued', amplify('{{shortId}}', '{{shortAt}}', `; ${A}.refreshToken=never-issued`), { subsetOf: AMP_NAMES }, 'amplifyShort'),
  out('cookie-102', 'Amplify: idToken cookie twice (same value)', `${amplify('{{ampId}}', '{{ampAt}}')}; ${A}.idToken={{ampId}}`, { subsetOf: AMP_NAMES }, 'amplify'),
  out('cookie-103', 'Amplify: accessToken cookie twice (planted copy first)', `{{P}}.LastAuthUser={{user}}; ${A}.idToken={{ampId}}; ${A}.accessToken={{bobAt}}; ${A}.accessToken={{ampAt}}`, { subsetOf: AMP_NAMES }, 'amplify'),
  out('cookie-104', 'Amplify: LastAuthUser twice', `{{P}}.LastAuthUser=bob%40example.com; ${amplify('{{ampId}}', '{{ampAt}}')}`, { subsetOf: AMP_NAMES }, 'amplify'),
  out('cookie-105', 'Amplify: alg "none" tokens', amplify('{{noneId}}', '{{noneAt}}'), [], 'amplify'),
  out('cookie-106', 'Amplify: tokens signed by another key', amplify('{{forgedId}}', '{{forgedAt}}'), [], 'amplify'),
  out('cookie-107', 'Amplify: tokens of another issuer (another dev IdP)', amplify('{{shortId}}', '{{shortAt}}'), [], 'amplify'),
  out('cookie-108', 'Amplify: ID and access tokens swapped', amplify('{{ampAt}}', '{{ampId}}'), [], 'amplify'),
  out('cookie-109', 'Amplify: a 10 KB LastAuthUser', '{{P}}.LastAuthUser={{"u"|rep:10000}}', [], 'amplify'),
  out('cookie-110', 'Amplify: LastAuthUser with NUL and dot segments', '{{P}}.LastAuthUser=..%00..', [], 'amplify'),
  out('cookie-111', 'Amplify: expired access token, a refresh token the IdP never issued', amplify('{{ampId}}', '{{expiredAt}}', `; ${A}.refreshToken=never-issued`), { subsetOf: AMP_NAMES }, 'amplify'),
  stillIn('cookie-112', 'Amplify: raw "@" names as adapter-nextjs 1.6 wrote them still read', '{{ampSession|suball:%40:@}}', 'amplify'),
  // Prefix and case games with the name.
  out('cookie-113', 'the __Host- spelling of the name on an http origin', `__Host-${S}={{whole}}`),
  out('cookie-114', 'the name in upper case', `NSA.SESSION={{whole}}`),
  out('cookie-115', 'the __Secure- spelling of the chunk names', `__Secure-${S}.0={{chunk0}}; __Secure-${S}.1={{chunk1}}`),
];

// ─── callbacks ──────────────────────────────────────────────────────────────

const GOOD = 'code={{code}}&state={{state}}&iss={{iss|enc}}';
function cb(id: string, title: string, input: CallbackEntry['input'], expect: CallbackEntry['expect']): CallbackEntry {
  return { id, surface: 'callback', title, input, expect };
}
const MISSING = { status: 400, error: 'missing_transaction', tokenCalls: 0 } as const;
/**
 * The authorization response itself is refused, before any token request.
 * The code shown is not pinned: a response without a usable code is reported
 * as `invalid_tokens` by oauth4webapi's code-grant step, a bad `iss` as
 * `invalid_response`; both are a 400 that leaves no session.
 */
const REFUSED = { status: 400, error: ['invalid_response', 'invalid_tokens'], txCleared: true, tokenCalls: 0 };
/** A bad `iss` (RFC 9207): refused as an invalid authorization response, before any token request. */
const ISS_REFUSED = { status: 400, error: 'invalid_response', txCleared: true, tokenCalls: 0 } as const;
/** Refused at the code: before the token endpoint, or by it. */
const BAD_CODE = ['invalid_response', 'invalid_tokens', 'token_exchange_failed'];

export const callbackEntries: CallbackEntry[] = [
  cb('callback-001', 'no parameters, no cookie', { query: '' }, MISSING),
  cb('callback-002', 'a valid response without its transaction cookie', { query: GOOD }, MISSING),
  cb('callback-003', 'state missing', { query: 'code={{code}}&iss={{iss|enc}}', cookie: '{{tx}}' }, MISSING),
  cb('callback-004', 'state empty', { query: 'code={{code}}&state=&iss={{iss|enc}}', cookie: '{{tx}}' }, MISSING),
  cb('callback-005', "state of another sign-in, this one's cookie", { query: 'code={{code}}&state={{state2}}&iss={{iss|enc}}', cookie: '{{tx}}' }, MISSING),
  cb('callback-006', "cookie renamed to this state but holding another sign-in's transaction", { query: GOOD, cookie: '{{txName}}={{txValue2}}' }, { ...MISSING, txCleared: true }),
  cb('callback-007', 'state given twice (same value)', { query: `${GOOD}&state={{state}}`, cookie: '{{tx}}' }, { status: 400, error: ['invalid_response', 'missing_transaction'], tokenCalls: 0 }),
  cb('callback-008', 'state given twice (another sign-in first)', { query: 'state={{state2}}&' + GOOD, cookie: '{{tx}}' }, { status: 400, error: ['invalid_response', 'missing_transaction'], tokenCalls: 0 }),
  cb('callback-009', 'state with path characters', { query: 'code={{code}}&state=..%2F..%2Fnsa.session&iss={{iss|enc}}', cookie: '{{tx}}' }, MISSING),
  cb('callback-010', 'state with CRLF and a header after it', { query: 'code=x&state=%0D%0ASet-Cookie:%20nsa.session=x', cookie: '{{tx}}' }, MISSING),
  cb('callback-011', 'state of 100 KB', { query: 'code=x&state={{"s"|rep:100000}}', cookie: '{{tx}}' }, MISSING),
  cb('callback-012', 'state with NUL', { query: 'code=x&state={{state}}%00', cookie: '{{tx}}' }, MISSING),
  cb('callback-013', 'code missing', { query: 'state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, REFUSED),
  cb('callback-014', 'code empty', { query: 'code=&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: BAD_CODE, txCleared: true }),
  cb('callback-015', 'code given twice', { query: `${GOOD}&code=other`, cookie: '{{tx}}' }, { status: 400, error: BAD_CODE, txCleared: true, tokenCalls: 0 }),
  cb('callback-016', 'a code the IdP never issued', { query: 'code=never-issued&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: 'token_exchange_failed', txCleared: true }),
  cb('callback-017', "another sign-in's code (PKCE verifier mismatch)", { query: 'code={{code2}}&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: 'token_exchange_failed', txCleared: true }),
  cb('callback-018', 'a 64 KB code', { query: 'code={{"c"|rep:65536}}&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: BAD_CODE, txCleared: true }),
  cb('callback-019', 'code with CRLF', { query: 'code={{code}}%0D%0Ax&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: BAD_CODE, txCleared: true }),
  cb('callback-020', 'iss missing although discovery advertises it (RFC 9207 §2.4)', { query: 'code={{code}}&state={{state}}', cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-021', 'iss of an attacker', { query: 'code={{code}}&state={{state}}&iss=https%3A%2F%2Fevil.example', cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-022', 'iss of another real IdP', { query: 'code={{code}}&state={{state}}&iss={{otherIss|enc}}', cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-023', 'iss with a trailing slash', { query: 'code={{code}}&state={{state}}&iss={{iss|enc}}%2F', cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-024', 'iss given twice (right, then wrong)', { query: `${GOOD}&iss=https%3A%2F%2Fevil.example`, cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-025', 'iss given twice (same value)', { query: `${GOOD}&iss={{iss|enc}}`, cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-026', 'iss empty', { query: 'code={{code}}&state={{state}}&iss=', cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-027', 'iss of 64 KB', { query: 'code={{code}}&state={{state}}&iss={{"i"|rep:65536}}', cookie: '{{tx}}' }, ISS_REFUSED),
  cb('callback-028', 'error=access_denied', { query: 'error=access_denied&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: 'access_denied', txCleared: true, tokenCalls: 0 }),
  cb('callback-029', 'error=server_error', { query: 'error=server_error&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: 'idp_error', txCleared: true, tokenCalls: 0 }),
  cb('callback-030', 'error without state', { query: 'error=access_denied', cookie: '{{tx}}' }, MISSING),
  cb('callback-031', 'error and code together', { query: `error=access_denied&${GOOD}`, cookie: '{{tx}}' }, { status: 400, error: ['access_denied', 'idp_error', 'invalid_response'], txCleared: true, tokenCalls: 0 }),
  cb('callback-032', 'error with a script in error_description (never reflected)', { query: 'error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: 'access_denied', txCleared: true, tokenCalls: 0 }),
  cb('callback-033', 'an unknown error code of 64 KB', { query: 'error={{"e"|rep:65536}}&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, { status: 400, error: ['idp_error', 'invalid_response'], txCleared: true, tokenCalls: 0 }),
  cb('callback-034', 'error without iss (RFC 9207 applies to errors too)', { query: 'error=access_denied&state={{state}}', cookie: '{{tx}}' }, { status: 400, error: ['invalid_response', 'access_denied'], txCleared: true, tokenCalls: 0 }),
  cb('callback-035', 'an ID token injected in the query, no code', { query: 'id_token={{idToken}}&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, REFUSED),
  cb('callback-036', 'replayed with its original Cookie header (state single-use on the server)', { query: GOOD, cookie: '{{tx}}', replay: true }, { status: 400, error: ['missing_transaction', 'invalid_response', 'token_exchange_failed'], tokenCalls: 0 }),
  cb('callback-037', 'replayed with the cookies the browser holds afterwards', { query: GOOD, cookie: '{{session}}', replay: true }, { status: 400, error: 'missing_transaction', tokenCalls: 0 }),
  cb('callback-038', 'forged transaction cookie (random value)', { query: GOOD, cookie: '{{txName}}={{random4k|take:800}}' }, { ...MISSING, txCleared: true }),
  cb('callback-039', 'forged transaction cookie (iron-shaped garbage)', { query: GOOD, cookie: '{{txName}}=Fe26.2*1*{{"a"|rep:43}}*{{"b"|rep:22}}*{{"c"|rep:64}}**{{"d"|rep:43}}*{{"e"|rep:43}}~2' }, { ...MISSING, txCleared: true }),
  cb('callback-040', 'transaction cookie sealed with another secret', { query: GOOD, cookie: '{{txName}}={{txForeign}}' }, { ...MISSING, txCleared: true }),
  cb('callback-041', 'expired transaction (sealed by this app 11 minutes ago)', { query: GOOD, cookie: '{{txName}}={{txExpired}}' }, { ...MISSING, txCleared: true }),
  cb('callback-042', 'transaction cookie: a valid seal of the wrong shape', { query: GOOD, cookie: '{{txName}}={{txShape}}' }, { ...MISSING, txCleared: true }),
  cb('callback-043', 'transaction cookie truncated', { query: GOOD, cookie: '{{txName}}={{txValue|drop:5}}' }, { ...MISSING, txCleared: true }),
  cb('callback-044', 'transaction cookie empty', { query: GOOD, cookie: '{{txName}}=' }, MISSING),
  cb('callback-045', 'callback by POST', { method: 'POST', query: GOOD, cookie: '{{tx}}' }, { status: 405, tokenCalls: 0 }),
  cb('callback-046', 'a bad state while signed in leaves the session alone', { query: 'code=x&state={{state2}}', cookie: '{{session}}; {{tx}}' }, MISSING),
  cb('callback-047', 'a valid callback beside odd-named cookies still signs in', { query: GOOD, cookie: '{{tx}}; nsa.tx.a@b=1; nsa.tx.(x)=2; nsa.session@=3' }, { status: 303, signedIn: true, txCleared: true, tokenCalls: 1 }),
];

// ─── paths (guard) ──────────────────────────────────────────────────────────
// Rules (corpusStack.ts): /dashboard, /admin (ADMINS), /api/me, /api/admin
// (ADMINS), /^\/reports\/42(?:\/|$)/, /^\/secret(?:\/|$)/g, /^\/vault(?:\/|$)/y.

/** Denials of a signed-out page request: the sign-in redirect, or a 400 for a spelling that reads more than one way. */
const DENIED_PAGE: GuardOutcome[] = ['signIn', 'badRequest'];
/** An API path gets the 401 JSON (a 400 is also a refusal). */
const DENIED_API: GuardOutcome[] = ['unauthorized', 'badRequest'];
/** The API prefix itself is spelled oddly: whichever denial, never a pass. */
const DENIED_ANY: GuardOutcome[] = ['unauthorized', 'signIn', 'badRequest'];
/** Bob (no ADMINS) on an odd spelling of /admin. */
const DENIED_BOB: GuardOutcome[] = ['forbidden', 'badRequest'];

function p(id: string, title: string, path: string, outcome: GuardOutcome | GuardOutcome[], extra: Omit<PathEntry['input'], 'path'> = {}): PathEntry {
  return { id, surface: 'path', title, input: { path, ...extra }, expect: { outcome } };
}

export const pathEntries: PathEntry[] = [
  // Encoded spellings of a string rule.
  p('path-001', 'encoded first letter', '/%64ashboard', DENIED_PAGE),
  p('path-002', 'every letter encoded', '/%64%61%73%68%62%6f%61%72%64', DENIED_PAGE),
  p('path-003', 'lower-case hex escapes inside', '/dashbo%61rd/settings', DENIED_PAGE),
  p('path-004', 'encoded trailing slash', '/dashboard%2F', DENIED_PAGE),
  p('path-005', 'encoded slash and dot-dot', '/dashboard%2F..', DENIED_PAGE),
  p('path-006', 'encoded slash, dot-dot, slash', '/dashboard%2f..%2f', DENIED_PAGE),
  p('path-007', 'encoded slash in front', '/%2Fdashboard', DENIED_PAGE),
  p('path-008', 'encoded backslash in front', '/%5Cdashboard', DENIED_PAGE),
  p('path-009', 'encoded backslash and dot-dot', '/dashboard%5C..', DENIED_PAGE),
  p('path-010', 'raw backslash (the URL parser makes it a slash)', '/\\dashboard', DENIED_PAGE),
  p('path-011', 'double slash in front', '//dashboard', DENIED_PAGE),
  p('path-012', 'double slash inside', '/dashboard//settings', 'signIn'),
  p('path-013', 'triple slash in front', '///dashboard/x', DENIED_PAGE),
  p('path-014', 'encoded dot segment in front (%2e)', '/%2e/dashboard', 'signIn'),
  p('path-015', 'encoded dot-dot segment from elsewhere', '/public/%2e%2e/dashboard', 'signIn'),
  p('path-016', 'encoded dot after the rule', '/dashboard/%2e', 'signIn'),
  p('path-017', 'encoded NUL after the rule', '/dashboard/%00', DENIED_PAGE),
  p('path-018', 'encoded NUL glued to the rule', '/dashboard%00', DENIED_PAGE),
  p('path-019', 'malformed escape %zz under the rule', '/dashboard/%zz', DENIED_PAGE),
  p('path-020', 'truncated escape % under the rule', '/dashboard/%', DENIED_PAGE),
  p('path-021', 'one-digit escape %a under the rule', '/dashboard/%a', DENIED_PAGE),
  p('path-022', 'invalid UTF-8 %E0%A4 under the rule', '/dashboard/%E0%A4', DENIED_PAGE),
  p('path-023', 'overlong UTF-8 slash %C0%AF under the rule', '/dashboard/%C0%AF..', DENIED_PAGE),
  p('path-024', 'malformed escape after an encoded rule', '/%64ashboard/%zz', DENIED_PAGE),
  p('path-025', 'encoded percent (double encoding) under the rule', '/dashboard/%252e%252e', DENIED_PAGE),
  p('path-026', 'tab inside (the URL parser strips it)', '/dash\tboard', 'signIn'),
  p('path-027', 'newline inside (the URL parser strips it)', '/dash\nboard', 'signIn'),
  p('path-028', 'valid UTF-8 below the rule', '/dashboard/%F0%9F%8D%AA', 'signIn'),
  p('path-029', 'raw non-ASCII below the rule', '/dashboard/é', 'signIn'),
  p('path-030', 'matrix parameter on the rule', '/dashboard;jsessionid=1', DENIED_PAGE),
  p('path-031', 'encoded semicolon on the rule', '/dashboard%3Bx', DENIED_PAGE),
  p('path-032', 'encoded spelling with a query', '/%64ashboard?x=1', DENIED_PAGE),
  p('path-033', 'encoded spelling with a fragment', '/%64ashboard#top', DENIED_PAGE),
  p('path-034', 'encoded spelling from a server action', '/%64ashboard', DENIED_API, { headers: { 'next-action': 'abc123' } }),
  // A RegExp rule on a dynamic segment: Next decodes params, so these render report 42.
  p('path-035', 'dynamic segment fully encoded', '/reports/%34%32', 'signIn'),
  p('path-036', 'dynamic segment half encoded', '/reports/4%32', 'signIn'),
  p('path-037', 'dynamic segment, other half encoded', '/reports/%342', 'signIn'),
  p('path-038', 'dynamic segment encoded, trailing slash', '/reports/%34%32/', 'signIn'),
  p('path-039', 'dynamic segment encoded, child path', '/reports/%34%32/edit', 'signIn'),
  p('path-040', 'dynamic segment with an encoded slash', '/reports/42%2F', DENIED_PAGE),
  p('path-041', 'dynamic segment reached by an encoded dot-dot', '/reports/x/%2e%2e/42', 'signIn'),
  p('path-042', 'dynamic segment with a malformed escape after it', '/reports/42/%zz', DENIED_PAGE),
  p('path-043', 'dynamic segment after a double slash', '/reports//%34%32', DENIED_PAGE),
  p('path-044', 'encoded static part before the dynamic segment', '/r%65ports/42', DENIED_PAGE),
  // API paths.
  p('path-045', 'API path with an encoded letter', '/api/m%65', DENIED_API),
  p('path-046', 'API path with an encoded trailing slash', '/api/me%2F', DENIED_API),
  p('path-047', 'API path with a malformed escape below', '/api/me/%zz', DENIED_API),
  p('path-048', 'API path with an encoded separator in the prefix', '/api%2Fme', DENIED_ANY),
  p('path-049', 'API prefix encoded', '/%61pi/me', DENIED_ANY),
  p('path-050', 'API path with NUL', '/api/me%00', DENIED_API),
  p('path-051', 'API path, double slash', '/api//me', DENIED_API),
  p('path-052', 'API path with an encoded dot-dot from elsewhere', '/api/x/%2e%2e/me', 'unauthorized'),
  // Groups with odd spellings.
  p('path-053', 'encoded admin path, signed out', '/%61dmin', DENIED_PAGE),
  p('path-054', 'encoded admin path, signed in without the group', '/%61dmin', DENIED_BOB, { as: 'bob' }),
  p('path-055', 'admin with an encoded trailing slash, without the group', '/admin%2F', DENIED_BOB, { as: 'bob' }),
  p('path-056', 'admin with a malformed escape, without the group', '/admin/%zz', DENIED_BOB, { as: 'bob' }),
  p('path-057', 'admin API encoded, without the group', '/api/%61dmin', ['forbidden', 'badRequest', 'unauthorized'], { as: 'bob' }),
  p('path-058', 'admin reached by an encoded dot-dot, without the group', '/x/%2e%2e/admin', 'forbidden', { as: 'bob' }),
  // Stateful RegExp flags decide the same way every time.
  p('path-059', 'a /g rule asked five times', '/secret', 'signIn', { repeat: 5 }),
  p('path-060', 'a /g rule on a child path asked three times', '/secret/x', 'signIn', { repeat: 3 }),
  p('path-061', 'a /y rule asked four times', '/vault', 'signIn', { repeat: 4 }),
  p('path-062', 'a /g rule, encoded, asked three times', '/s%65cret', DENIED_PAGE, { repeat: 3 }),
  p('path-063', 'a /y rule, API-style next-action, asked three times', '/vault/x', 'unauthorized', { repeat: 3, headers: { 'next-action': 'abc' } }),
  // Odd spellings of public paths stay public (no over-blocking, no 500).
  p('path-067', 'an encoded spelling prefetched by the router', '/%64ashboard', ['noContent', 'badRequest'], { headers: { 'next-router-prefetch': '1' } }),
  p('path-068', 'an encoded dynamic segment fetched by the router (RSC)', '/reports/%34%32', 'noContent', { headers: { 'sec-fetch-dest': 'empty' } }),
  p('path-064', 'a public path with a malformed escape', '/about/%zz', 'pass'),
  p('path-065', 'a public path near the rule (segment-aware)', '/dashboards', 'pass'),
  p('path-066', 'another report id, encoded', '/reports/%34%33', 'pass'),
];

// ─── sign-out ───────────────────────────────────────────────────────────────

const SAME = { origin: '{{origin}}' };
function so(id: string, title: string, input: SignOutEntry['input'], expect: SignOutEntry['expect']): SignOutEntry {
  return { id, surface: 'sign-out', title, input, expect };
}
/** A refused sign-out: nothing cleared, nothing revoked, still signed in. */
const REFUSED_SIGN_OUT: SignOutEntry['expect'] = { status: 403, cleared: [], revocations: 0, sessionSurvives: true };
/** An accepted sign-out of a readable session: revoked, every session cookie cleared, sent to the IdP's logout. */
const SIGNED_OUT: SignOutEntry['expect'] = { status: 303, logout: true, cleared: ['@session'], revocations: 1 };

export const signOutEntries: SignOutEntry[] = [
  so('sign-out-001', 'GET', { method: 'GET', signedIn: true, headers: SAME }, { status: 405, cleared: [], revocations: 0, sessionSurvives: true }),
  so('sign-out-002', 'HEAD', { method: 'HEAD', signedIn: true, headers: SAME }, { status: 405, cleared: [], revocations: 0, sessionSurvives: true }),
  so('sign-out-003', 'cross-site Origin', { method: 'POST', signedIn: true, headers: { origin: 'https://evil.example' } }, REFUSED_SIGN_OUT),
  so('sign-out-004', 'Sec-Fetch-Site cross-site (with our Origin)', { method: 'POST', signedIn: true, headers: { ...SAME, 'sec-fetch-site': 'cross-site' } }, REFUSED_SIGN_OUT),
  so('sign-out-005', 'Sec-Fetch-Site same-site (a sibling subdomain)', { method: 'POST', signedIn: true, headers: { 'sec-fetch-site': 'same-site', origin: 'http://evil.localhost:3000' } }, REFUSED_SIGN_OUT),
  so('sign-out-006', 'Sec-Fetch-Site none', { method: 'POST', signedIn: true, headers: { 'sec-fetch-site': 'none' } }, REFUSED_SIGN_OUT),
  so('sign-out-007', 'neither Origin nor Sec-Fetch-Site', { method: 'POST', signedIn: true }, REFUSED_SIGN_OUT),
  so('sign-out-008', 'Origin: null (sandboxed iframe, data: URL)', { method: 'POST', signedIn: true, headers: { origin: 'null' } }, REFUSED_SIGN_OUT),
  so('sign-out-009', 'Origin with a trailing slash', { method: 'POST', signedIn: true, headers: { origin: '{{origin}}/' } }, REFUSED_SIGN_OUT),
  so('sign-out-010', 'Origin on another port', { method: 'POST', signedIn: true, headers: { origin: 'http://localhost:3001' } }, REFUSED_SIGN_OUT),
  so('sign-out-011', 'Origin that only starts like ours', { method: 'POST', signedIn: true, headers: { origin: '{{origin}}.evil.example' } }, REFUSED_SIGN_OUT),
  so('sign-out-012', 'Origin over https instead of http', { method: 'POST', signedIn: true, headers: { origin: 'https://localhost:3000' } }, REFUSED_SIGN_OUT),
  so('sign-out-013', 'a same-origin Referer but no Origin', { method: 'POST', signedIn: true, headers: { referer: '{{origin}}/dashboard' } }, REFUSED_SIGN_OUT),
  so('sign-out-014', 'Origin evil, Sec-Fetch-Site cross-site, form content type', { method: 'POST', signedIn: true, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, REFUSED_SIGN_OUT),
  so('sign-out-015', 'same origin, text/plain body', { method: 'POST', signedIn: true, headers: { ...SAME, 'content-type': 'text/plain' }, body: 'hello' }, SIGNED_OUT),
  so('sign-out-016', 'same origin, malformed JSON body', { method: 'POST', signedIn: true, headers: { ...SAME, 'content-type': 'application/json' }, body: '{"a":' }, SIGNED_OUT),
  so('sign-out-017', 'same origin, multipart without a boundary', { method: 'POST', signedIn: true, headers: { ...SAME, 'content-type': 'multipart/form-data' }, body: '--x--' }, SIGNED_OUT),
  so('sign-out-018', 'same origin, a 1 MB form body', { method: 'POST', signedIn: true, headers: { ...SAME, 'content-type': 'application/x-www-form-urlencoded' }, body: '{{"a=b&"|rep:170000}}' }, SIGNED_OUT),
  so('sign-out-019', 'same origin, a garbage content type', { method: 'POST', signedIn: true, headers: { ...SAME, 'content-type': ';;;/\u00ff' } }, SIGNED_OUT),
  so('sign-out-020', 'Sec-Fetch-Site same-origin, no Origin', { method: 'POST', signedIn: true, headers: { 'sec-fetch-site': 'same-origin' } }, SIGNED_OUT),
  so('sign-out-021', 'same origin, no session at all', { method: 'POST', headers: SAME }, { status: 303, logout: true, cleared: [], revocations: 0 }),
  so('sign-out-022', 'same origin, a garbage session cookie', { method: 'POST', cookie: `${S}=garbage`, headers: SAME }, { status: 303, logout: true, cleared: [S], revocations: 0 }),
  so('sign-out-023', 'same origin, a transaction cookie named with "@"', { method: 'POST', signedIn: true, cookie: '{{session}}; nsa.tx.a@b=1', headers: SAME }, { ...SIGNED_OUT, cleared: { oneOf: [['@session'], ['@session', 'nsa.tx.a@b']] } }),
  so('sign-out-024', 'same origin, a transaction cookie named with parentheses', { method: 'POST', signedIn: true, cookie: '{{session}}; nsa.tx.(x)=1', headers: SAME }, { ...SIGNED_OUT, cleared: { oneOf: [['@session'], ['@session', 'nsa.tx.(x)']] } }),
  so('sign-out-025', 'same origin, a session chunk name with "@"', { method: 'POST', signedIn: true, cookie: `{{session}}; ${S}.0@=1`, headers: SAME }, { ...SIGNED_OUT, cleared: { oneOf: [['@session'], ['@session', `${S}.0@`]] } }),
  so('sign-out-026', 'same origin, the session cookie twice (a planted copy)', { method: 'POST', signedIn: true, cookie: `{{session}}; ${S}=planted`, headers: SAME }, { status: 303, logout: true, cleared: [S], revocations: 0 }),
  so('sign-out-027', 'same origin, a stray extra chunk beside the session', { method: 'POST', signedIn: true, cookie: `{{session}}; ${S}.0=junk`, headers: SAME }, { status: 303, logout: true, cleared: [S, `${S}.0`], revocations: 0 }),
  so('sign-out-028', 'same origin, CRLF and NUL in cookie values', { method: 'POST', signedIn: true, cookie: '{{session}}; nsa.tx.abcdefghijklmnopq=%0D%0A%00', headers: SAME }, { ...SIGNED_OUT, cleared: ['@session', 'nsa.tx.abcdefghijklmnopq'] }),
  so('sign-out-029', 'Amplify: raw "@" names as adapter-nextjs 1.6 wrote them', { method: 'POST', runner: 'amplify', signedIn: true, cookie: '{{session|suball:%40:@}}', headers: SAME }, { ...SIGNED_OUT, cleared: ['@session'] }),
  so('sign-out-030', 'Amplify: canonical names plus raw "(" ")" variants as adapter-nextjs 1.8 writes them', { method: 'POST', runner: 'amplify', signedIn: true, cookie: '{{session}}; {{P}}.(x).idToken=1; {{P}}.(x).accessToken=2', headers: SAME }, { ...SIGNED_OUT, cleared: ['@session', '{{P}}.(x).idToken', '{{P}}.(x).accessToken'] }),
  so('sign-out-031', 'Amplify: cross-site', { method: 'POST', runner: 'amplify', signedIn: true, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } }, REFUSED_SIGN_OUT),
  so('sign-out-032', 'Amplify: a garbage LastAuthUser', { method: 'POST', runner: 'amplify', cookie: '{{P}}.LastAuthUser=%00%0D%0A', headers: SAME }, { status: 303, logout: true, cleared: ['{{P}}.LastAuthUser'], revocations: 0 }),
  so('sign-out-033', 'Amplify: the idToken cookie twice (a planted copy)', { method: 'POST', runner: 'amplify', signedIn: true, cookie: '{{session}}; {{P}}.{{U}}.idToken=planted', headers: SAME }, { status: 303, logout: true, cleared: ['@session'], revocations: 0 }),
];

/** Every entry, in the order the runner takes them. */
export const corpus: CorpusEntry[] = [...cookieEntries, ...callbackEntries, ...pathEntries, ...signOutEntries];
