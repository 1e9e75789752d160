// A list of Playwright checks run one after the other and printed mocha-style ("✔ title",
// "N passing", "N failing" and each failure's stack), the lines the project's test runner sums.
// Used by package.mjs and beside.mjs.

/**
 * @param {string} heading  printed above the checks
 * @param {string} label    prefixes each failure's title
 * @param {Array<{ title: string, fn: () => Promise<void> }>} checks
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runChecks(heading, label, checks) {
  console.log(`\n  ${heading}`);
  const failures = [];
  for (const c of checks) {
    const t = Date.now();
    try {
      await c.fn();
      console.log(`    ✔ ${c.title} (${Date.now() - t}ms)`);
    } catch (err) {
      failures.push({ title: c.title, err });
      console.log(`    ${failures.length}) ${c.title}`);
    }
  }
  console.log(`\n\n  ${checks.length - failures.length} passing`);
  console.log(`  ${failures.length} failing`);
  failures.forEach((f, i) => console.log(`\n  ${i + 1}) ${label} ${f.title}:\n     ${String(f.err?.stack || f.err).split('\n').slice(0, 6).join('\n     ')}`));
  console.log('');
  return { passed: checks.length - failures.length, failed: failures.length };
}
