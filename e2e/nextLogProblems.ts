// Shared by the stacks whose server log (scripts/start.mjs APP_LOG: `next
// build` then `next start`) must stay free of Next.js errors and warnings:
// the create-next-app stacks and the Next 15 edge app.

// With CI=true and a fresh checkout, `next build` advises configuring a build cache: a note
// about the CI machine, not about the app or the library, so exactly that line is not counted.
// (Next colours the ⚠, so the line carries ANSI escapes.)
// eslint-disable-next-line no-control-regex
const CI_CACHE_ADVICE = /⚠(\u001b\[\d+m)*\s+No build cache found\. Please configure build caching/;
// What Next prints for an error or a warning: the ⨯ / ⚠ markers ("⚠ Compiled with warnings",
// e.g. an Edge Runtime warning for a Node.js API in middleware), errors, issues, and the
// Cache Components complaints about uncached or runtime data.
const PROBLEM = /Error|⨯|⚠|Warning|warn|encountered the unstable value|\bIssues?\b|uncached or runtime data/;

/**
 * The lines of a `next build` + `next start` log that report a Next.js error
 * or warning (none is the goal; the caller asserts that, and that the log is
 * the one it expects).
 *
 * @example
 * ```ts
 * const bad = nextLogProblems(readFileSync(logFile, 'utf8'));
 * expect(bad, `server log lines:\n${bad.join('\n')}`).toEqual([]);
 * ```
 */
export function nextLogProblems(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => !CI_CACHE_ADVICE.test(line))
    .filter((line) => PROBLEM.test(line));
}
