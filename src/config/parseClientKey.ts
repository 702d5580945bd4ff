import { invalidConfig } from './invalidConfig.js';

/** JWS algorithms a client private key may sign client assertions with. */
export type ClientKeyAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * `oidc.clientPrivateKey`, checked: a private JWK (without `kid`/`alg` it
 * gets them when loaded) or a PKCS#8 PEM, and the algorithm it signs with.
 * Plain data (no CryptoKey yet): importing is async, config parsing is not.
 */
export interface ClientKey {
  alg: ClientKeyAlg;
  /** The private JWK as configured (copied). */
  jwk?: Readonly<Record<string, unknown>>;
  /** A PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  pem?: string;
}

const FIELD = 'oidc.clientPrivateKey';
const RSA_ALGS: readonly ClientKeyAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGS: Readonly<Record<string, ClientKeyAlg>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const RSA_PRIVATE_MEMBERS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/**
 * Validates `oidc.clientPrivateKey` without any crypto (config parsing is
 * synchronous and edge-safe): the shape of a JWK, or the PEM armour and the
 * key algorithm in its PKCS#8 header. A public key, a symmetric key, a
 * PKCS#1/SEC1 or encrypted PEM is refused with a message naming the field
 * and saying what to give instead; the key material is never echoed.
 *
 * The signing algorithm: the JWK's `alg` when it has one (RSA may say
 * `PS256`), else RS256 for RSA, ES256/ES384/ES512 by curve, EdDSA for Ed25519.
 *
 * @throws AuthError `InvalidConfig` naming `oidc.clientPrivateKey`.
 * @example
 * ```ts
 * parseClientKey(process.env.CLIENT_PRIVATE_KEY_PEM).alg; // 'RS256'
 * parseClientKey({ kty: 'EC', crv: 'P-256', x, y, d }).alg; // 'ES256'
 * ```
 */
export function parseClientKey(value: unknown): ClientKey {
  if (typeof value === 'string') {
    const text = value.trim();
    // A JWK kept in an environment variable arrives as JSON text.
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalidConfig(FIELD, 'looks like JSON but does not parse (give a private JWK object, its JSON text, or a PKCS#8 PEM)');
      }
      return parseJwk(parsed);
    }
    return parsePem(text);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return parseJwk(value);
  throw invalidConfig(FIELD, 'must be a private JWK (object or JSON text) or a PKCS#8 PEM string');
}

function parseJwk(value: unknown): ClientKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidConfig(FIELD, 'must be a JWK object');
  const jwk = value as Record<string, unknown>;
  const str = (name: string) => typeof jwk[name] === 'string' && jwk[name] !== '';
  if (jwk.kty === 'oct' || jwk.k !== undefined) {
    throw invalidConfig(FIELD, "is a symmetric key: use clientAuthentication 'client_secret_jwt' with oidc.clientSecret instead");
  }
  if (!str('d')) {
    throw invalidConfig(FIELD, 'is a public key (no "d"): give the private key; its public part is derived and served at /api/auth/jwks');
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalidConfig(FIELD, `has "use": ${JSON.stringify(jwk.use)}; a signing key needs "sig" or no "use"`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('sign'))) {
    throw invalidConfig(FIELD, 'has "key_ops" without "sign"');
  }
  if (jwk.kid !== undefined && !str('kid')) throw invalidConfig(FIELD, 'has a "kid" that is not a non-empty string');
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') throw invalidConfig(FIELD, 'has an "alg" that is not a string');
  const declared = jwk.alg as string | undefined;
  let alg: ClientKeyAlg;
  if (jwk.kty === 'RSA') {
    const missing = RSA_PRIVATE_MEMBERS.filter((m) => !str(m));
    if (missing.length > 0) throw invalidConfig(FIELD, `is an RSA private JWK without ${missing.map((m) => `"${m}"`).join(', ')}`);
    alg = declared === undefined ? 'RS256' : (RSA_ALGS.find((a) => a === declared) ?? badAlg(declared, 'RSA'));
  } else if (jwk.kty === 'EC') {
    const byCurve = typeof jwk.crv === 'string' ? EC_ALGS[jwk.crv] : undefined;
    if (byCurve === undefined || !str('x') || !str('y')) throw invalidConfig(FIELD, 'is an EC JWK that needs "crv" P-256, P-384 or P-521 and "x", "y", "d"');
    alg = declared === undefined || declared === byCurve ? byCurve : badAlg(declared, `EC ${jwk.crv as string}`);
  } else if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519' || !str('x')) throw invalidConfig(FIELD, 'is an OKP JWK that needs "crv" Ed25519 and "x", "d"');
    alg = declared === undefined || declared === 'EdDSA' || declared === 'Ed25519' ? 'EdDSA' : badAlg(declared, 'Ed25519');
  } else {
    throw invalidConfig(FIELD, 'must have "kty" RSA, EC or OKP');
  }
  return { alg, jwk: { ...jwk } };
}

function badAlg(alg: string, keyType: string): never {
  throw invalidConfig(FIELD, `has "alg" ${JSON.stringify(alg)}, which a ${keyType} key cannot sign with`);
}

const PEM = /^-----BEGIN ([A-Z0-9 ]+)-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1-----$/;

function parsePem(text: string): ClientKey {
  const match = PEM.exec(text);
  if (!match) throw invalidConfig(FIELD, 'is neither a JWK nor a PEM ("-----BEGIN PRIVATE KEY-----" … "-----END PRIVATE KEY-----")');
  const label = match[1]!;
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY' || label === 'CERTIFICATE') {
    throw invalidConfig(FIELD, `is a ${label.toLowerCase()}: give the private key (PKCS#8 PEM); its public part is derived and served at /api/auth/jwks`);
  }
  if (label === 'RSA PRIVATE KEY' || label === 'EC PRIVATE KEY') {
    throw invalidConfig(FIELD, `is a ${label === 'RSA PRIVATE KEY' ? 'PKCS#1' : 'SEC1'} PEM: convert it to PKCS#8 with \`openssl pkcs8 -topk8 -nocrypt -in key.pem\``);
  }
  if (label === 'ENCRYPTED PRIVATE KEY') throw invalidConfig(FIELD, 'is encrypted: give an unencrypted PKCS#8 PEM (keep it in a secret store instead)');
  if (label !== 'PRIVATE KEY') throw invalidConfig(FIELD, `is a PEM "${label}", not a PKCS#8 "PRIVATE KEY"`);
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(match[2]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    throw invalidConfig(FIELD, 'is a PEM whose body is not base64');
  }
  const alg = algOfPkcs8(der);
  if (alg === MALFORMED) throw invalidConfig(FIELD, 'is not a well-formed PKCS#8 key (truncated or damaged?)');
  if (alg === undefined) throw invalidConfig(FIELD, 'is a PKCS#8 key of an unsupported type (use RSA, EC P-256/P-384/P-521 or Ed25519)');
  return { alg, pem: text };
}

const MALFORMED = Symbol('malformed');

/** OID bytes (DER content) of the key algorithms we sign with. */
const OIDS = {
  rsaEncryption: '2a864886f70d010101',
  rsassaPss: '2a864886f70d01010a',
  ecPublicKey: '2a8648ce3d0201',
  ed25519: '2b6570',
} as const;
const CURVES: Readonly<Record<string, ClientKeyAlg>> = { '2a8648ce3d030107': 'ES256', '2b81040022': 'ES384', '2b81040023': 'ES512' };

/**
 * The signing algorithm of a PKCS#8 `PrivateKeyInfo` (RFC 5208 §5): reads
 * `SEQUENCE { version, SEQUENCE { algorithm OID, parameters } , … }` only;
 * the key itself is checked when WebCrypto imports it.
 */
function algOfPkcs8(der: Uint8Array): ClientKeyAlg | typeof MALFORMED | undefined {
  const outer = readTlv(der, 0, 0x30);
  // The whole key is one SEQUENCE: anything shorter or longer was cut or padded.
  if (!outer || outer.end !== der.length) return MALFORMED;
  const version = readTlv(der, outer.start, 0x02);
  if (!version) return MALFORMED;
  const algorithm = readTlv(der, version.end, 0x30);
  if (!algorithm) return MALFORMED;
  const oid = readTlv(der, algorithm.start, 0x06);
  if (!oid) return MALFORMED;
  const hex = toHex(der.subarray(oid.start, oid.end));
  if (hex === OIDS.rsaEncryption) return 'RS256';
  if (hex === OIDS.rsassaPss) return 'PS256';
  if (hex === OIDS.ed25519) return 'EdDSA';
  if (hex === OIDS.ecPublicKey) {
    const curve = readTlv(der, oid.end, 0x06);
    return curve ? CURVES[toHex(der.subarray(curve.start, curve.end))] : undefined;
  }
  return undefined;
}

/** One DER tag-length-value at `offset` with the expected tag: where its content starts and ends. */
function readTlv(der: Uint8Array, offset: number, tag: number): { start: number; end: number } | undefined {
  if (der[offset] !== tag || offset + 1 >= der.length) return undefined;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { start, end } : undefined;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
