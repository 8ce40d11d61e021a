// axe-core over a page, for the end-to-end tests (issue 11): every rule axe runs by default
// (none disabled); a test fails on any violation of impact serious or critical, named with its
// rule, its targets and axe's summary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const AXE = readFileSync(fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8');

/** axe-core's options: every rule axe runs by default (none disabled), violations only. */
const RUN = { resultTypes: ['violations'] };

/**
 * Runs axe in a page where `evaluate(source)` evaluates a script and returns its value, over
 * `contextSource` (an expression for the part of the page to check).
 */
export async function axe(evaluate, contextSource = 'document') {
  await evaluate(`window.axe ? 0 : (() => { ${AXE}\n; return 0; })()`);
  return evaluate(`axe.run(${contextSource}, ${JSON.stringify(RUN)}).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
  })))`);
}

/** Zero violations of impact serious or critical in `violations`, or a message naming each. */
export function assertClean(violations, where) {
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) =>
    `    ${JSON.stringify(n.target)}: ${n.summary.replace(/\n/g, '\n      ')}`).join('\n')}`).join('\n  ');
  assert.equal(bad.length, 0, `${where}: axe found ${bad.length} serious or critical violation(s):\n  ${text}`);
}
