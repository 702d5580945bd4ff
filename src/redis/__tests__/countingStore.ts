import type { AuthStore } from '../../store/AuthStore.js';

/**
 * `store` with every method call counted: tests assert which paths reach the
 * store (a warm read never does) without mocking it.
 *
 * @example
 * ```ts
 * const counted = countingStore(createRedisStore({ url, prefix }));
 * const before = counted.calls();
 * await read();
 * expect(counted.calls()).toBe(before);
 * ```
 */
export function countingStore(store: AuthStore): { store: AuthStore; calls: () => number } {
  let calls = 0;
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, calls: () => calls };
}
