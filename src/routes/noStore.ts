/** Responses that set or clear auth cookies must never be stored by a CDN or shared cache. */
export const NO_STORE = 'private, no-store';
