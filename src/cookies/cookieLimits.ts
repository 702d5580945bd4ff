/**
 * Size limits used by the chunking helpers.
 *
 * Browsers keep at most 4096 bytes of name + value per cookie and drop larger
 * cookies silently; proxies reject large header lines. The chunk target leaves
 * room for the name and attributes.
 */

/** Largest encoded value, in bytes, written to one cookie (or one chunk). */
export const COOKIE_CHUNK_SIZE = 3800;

/**
 * Largest Set-Cookie line (name, encoded value and attributes) the chunking
 * helpers will produce. A chunk is made smaller than {@link COOKIE_CHUNK_SIZE}
 * when a long name or domain would push the line past this.
 */
export const MAX_SET_COOKIE_LENGTH = 4000;
