import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { readStateFile } from '../../dev-idp/stateFile.js';
import type { TokenSet } from '../../session/TokenSet.js';

/**
 * The same tokens with the access token made expired, re-signed with the dev
 * IdP's own key (read from its state file): the library reads it exactly as
 * it would a genuinely expired token, whether or not signatures are verified
 * when a cookie value is first read.
 */
export async function expireAccessToken(tokens: TokenSet, idpStateFile: string): Promise<TokenSet> {
  const payload = { ...decodeJwt(tokens.accessToken), exp: Math.floor(Date.now() / 1000) - 5 };
  const jwk = readStateFile(idpStateFile)!.signingKey;
  const accessToken = await new SignJWT(payload).setProtectedHeader({ ...decodeProtectedHeader(tokens.accessToken), alg: jwk.alg }).sign(await importJWK(jwk, jwk.alg));
  return { ...tokens, accessToken };
}

/** The Set-Cookie lines that write a session value (deletions left out). */
export const sessionValues = (lines: string[]) => lines.filter((l) => /^nsa\.session(\.\d+)?=[^;]/.test(l) && !/Max-Age=0/.test(l));

/** Those lines as the `Cookie` header the browser sends back. */
export const cookieOf = (lines: string[]) => sessionValues(lines).map((l) => l.split(';')[0]).join('; ');
