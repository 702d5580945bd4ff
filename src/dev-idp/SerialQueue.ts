/**
 * Runs async tasks one at a time, in arrival order.
 *
 * The token endpoint goes through one: oidc-provider checks whether a refresh
 * token was already used and marks it used later, with awaits in between.
 * With our synchronous in-memory store those awaits never yield to another
 * request, but nothing guarantees that (a slower store would open the
 * window); serialising keeps the outcome tests rely on deterministic: one
 * success, the others `invalid_grant`, and reuse revokes the grant.
 *
 * @example
 * ```ts
 * const queue = new SerialQueue();
 * await queue.run(() => next());
 * ```
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
