/**
 * Shapes of the bad-input corpus (`badInput.corpus.ts`). Inputs are strings
 * with `{{placeholders}}` the runner fills from real material (seals, tokens,
 * transactions made by the running stack): `{{name}}` or
 * `{{name|filter:arg|filter}}`; `{{"text"|filter}}` starts from a literal. Filters: `drop:N` (cut N characters off the
 * end), `take:N` (keep the first N), `flip` (change the middle character),
 * `sub:A:B` / `suball:A:B` (replace the first / every A by B), `enc`
 * (encodeURIComponent), `rep:N` (repeat N times), `latin1` (the UTF-8 bytes
 * as a Latin-1 string: how raw non-ASCII bytes reach a header).
 */

/** Which server runner reads the input: the default sealed codec, the Amplify codec, or the Amplify codec of an IdP issuing 1-second ID tokens. */
export type CorpusRunner = 'sealed' | 'amplify' | 'amplifyShort';

/** Cookies the response must expire (`Max-Age=0`): exactly these, one of these sets, or any subset of these. Names are templates; `@session` stands for every session cookie the request carried. */
export type ClearedSpec = string[] | { oneOf: string[][] } | { subsetOf: string[] };

/** How the guard answered: let through, or which denial. */
export type GuardOutcome = 'pass' | 'signIn' | 'unauthorized' | 'forbidden' | 'badRequest' | 'notFound' | 'noContent' | 'redirect';

export interface CookieEntry {
  id: string;
  surface: 'cookie';
  title: string;
  input: {
    runner?: CorpusRunner;
    /** The whole `Cookie` request header. */
    cookie: string;
  };
  expect: {
    /**
     * Read three ways: the guard (a protected API path), a route handler's
     * `{ request, response }` and a server component's read-only `{ cookies }`
     * (which cannot see a duplicated name: Next keeps one copy).
     */
    session: 'signed-in' | 'signed-out';
    cleared: ClearedSpec;
  };
}

export interface CallbackEntry {
  id: string;
  surface: 'callback';
  title: string;
  input: {
    method?: 'GET' | 'POST';
    /** Query string of `/api/auth/sign-in-callback`. Per-entry placeholders: `state`, `code`, `iss`, `tx` (the transaction cookie as `name=value`), `txName`, `txValue`, `state2`, `code2`, `txValue2`, `txForeign`, `txExpired`, `txShape`, `txResealed`, `otherIss`, `session`. */
    query: string;
    cookie?: string;
    /** Run the callback once as a browser would, then send the same request again: the replay is the input under test. */
    replay?: boolean;
  };
  expect: {
    status: number;
    /** The error code the page shows (`data-testid="auth-error-code"`); a list when several are right. */
    error?: string | string[];
    /** Whether the response writes a session cookie (only for the tolerated inputs). @default false */
    signedIn?: boolean;
    /** Whether the transaction cookie named after `state` is expired by the response. */
    txCleared?: boolean;
    /** Calls the callback may make to the IdP's token endpoint. */
    tokenCalls?: number;
  };
}

export interface PathEntry {
  id: string;
  surface: 'path';
  title: string;
  input: {
    /** Request path (and query), appended to the app origin as a browser would send it. */
    path: string;
    /** Who asks. @default 'signed-out' */
    as?: 'signed-out' | 'bob' | 'alice';
    headers?: Record<string, string>;
    /** Ask this many times: the answer must be the same every time (stateful RegExp flags). */
    repeat?: number;
  };
  expect: {
    /** The guard's answer; a list is the documented set of safe answers for an ambiguous spelling. */
    outcome: GuardOutcome | GuardOutcome[];
  };
}

export interface SignOutEntry {
  id: string;
  surface: 'sign-out';
  title: string;
  input: {
    method: 'POST' | 'GET' | 'HEAD';
    runner?: 'sealed' | 'amplify';
    /** Sign in (for real, through the routes and a fresh IdP session) first: `{{session}}` is that session's cookies. */
    signedIn?: boolean;
    /** The `Cookie` header. @default '{{session}}' when signedIn */
    cookie?: string;
    headers?: Record<string, string>;
    body?: string;
  };
  expect: {
    status: number;
    /** Location is the IdP's logout endpoint (Cognito `/logout`). */
    logout?: boolean;
    cleared: ClearedSpec;
    /** Refresh-token revocations the IdP saw. */
    revocations: number;
    /** The session still reads signed in afterwards (refused sign-outs). */
    sessionSurvives?: boolean;
  };
}

export type CorpusEntry = CookieEntry | CallbackEntry | PathEntry | SignOutEntry;
