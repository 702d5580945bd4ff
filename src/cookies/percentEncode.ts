const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();

/**
 * Percent-encodes the UTF-8 bytes of `raw`, keeping the ASCII characters in
 * `keep` as they are. Uppercase hex, like `encodeURIComponent`. Never throws:
 * a lone surrogate becomes U+FFFD (`%EF%BF%BD`), as TextEncoder does.
 *
 * @internal
 * @example
 * ```ts
 * percentEncode('a@b', new Set('ab')); // 'a%40b'
 * ```
 */
export function percentEncode(raw: string, keep: ReadonlySet<string>): string {
  let out = '';
  for (const byte of encoder.encode(raw)) {
    const ch = String.fromCharCode(byte);
    // Bytes >= 0x80 are parts of multi-byte sequences: never kept.
    out += byte < 0x80 && keep.has(ch) ? ch : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

