/** A request body read up to a limit: the bytes, or (past the limit) a stream of everything. */
export type BufferedBody = { buffered: true; bytes: Uint8Array | undefined } | { buffered: false; stream: ReadableStream<Uint8Array> };

/**
 * Reads `body` into memory when it is at most `maxBytes` long (so it can be
 * sent twice); past that, returns a stream of the chunks read so far followed
 * by the rest, unread.
 *
 * @example
 * ```ts
 * const body = await bufferBody(request.body, 1_048_576);
 * if (body.buffered) await fetch(url, { method: 'POST', body: body.bytes });
 * ```
 */
export async function bufferBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<BufferedBody> {
  if (body === null) return { buffered: true, bytes: undefined };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
        },
        async pull(controller) {
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return { buffered: false, stream };
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { buffered: true, bytes };
}
