// `next-server-auth/redis`: the Redis (and Valkey) implementation of the
// store. Node only; never imported by the guard's entry.
export { createRedisStore } from './createRedisStore.js';
export type { RedisStoreOptions, AnyRedisClient } from './RedisStoreOptions.js';
export type { AuthStore } from '../store/AuthStore.js';
