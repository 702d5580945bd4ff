import type { CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { writeChunkedCookie } from '../cookies/writeChunkedCookie.js';

/**
 * The cookie values `writeChunkedCookie` writes for `value` under `name` with
 * `options`, in order: `[value]` when it fits one cookie, else the chunks
 * `name.0`, `name.1`, …. The codec compares a request's chunks with this, so
 * a value is accepted in exactly one layout (re-split or padded chunks are
 * other spellings of one seal, each of which would cost an unseal).
 *
 * @example
 * ```ts
 * chunksAsWritten('__Host-nsa.session', sealed, { secure: true, path: '/', maxAge: 2592000 }); // ['Fe26.2*…', '…~2']
 * ```
 */
export function chunksAsWritten(name: string, value: string, options: CookieOptions): string[] {
  const written = new Map<string, string>();
  const recorder: CookieStore = {
    get: (n) => written.get(n),
    getAll: () => [...written].map(([n, v]) => ({ name: n, value: v })),
    set: (n, v) => void written.set(n, v),
    delete: (n) => void written.delete(n),
    readOnly: false,
    isAmbiguous: () => false,
  };
  writeChunkedCookie(recorder, name, value, options);
  const whole = written.get(name);
  if (whole !== undefined) return [whole];
  const chunks: string[] = [];
  for (let index = 0; written.has(`${name}.${index}`); index++) chunks.push(written.get(`${name}.${index}`)!);
  return chunks;
}
