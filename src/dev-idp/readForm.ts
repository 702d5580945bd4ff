import type { IncomingMessage } from 'node:http';

const LIMIT = 64 * 1024;

/**
 * Reads an `application/x-www-form-urlencoded` request body (the hosted
 * pages' forms, `/logout` POSTs). Other content types give empty params.
 *
 * @example
 * ```ts
 * const form = await readForm(ctx.req);
 * form.get('username');
 * ```
 */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > LIMIT) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
