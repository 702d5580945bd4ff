/**
 * Returns `lines` without any `Set-Cookie` line for `name`, plus `line`
 * appended: one line per cookie name, so a later write wins and a
 * set-then-delete does not leave both on the response.
 *
 * @internal
 * @example
 * ```ts
 * replaceSetCookieLine(['a=1; Path=/', 'b=2'], 'a', 'a=3; Path=/'); // ['b=2', 'a=3; Path=/']
 * ```
 */
export function replaceSetCookieLine(lines: readonly string[], name: string, line: string): string[] {
  return [...lines.filter((l) => setCookieName(l) !== name), line];
}

/** The cookie name of a `Set-Cookie` line (text before the first `=`, trimmed). */
function setCookieName(line: string): string {
  const eq = line.indexOf('=');
  const semi = line.indexOf(';');
  // A nameless line ("value; attrs") has no name to match.
  if (eq === -1 || (semi !== -1 && semi < eq)) return '';
  return line.slice(0, eq).trim();
}
