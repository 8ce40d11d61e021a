// dist/firefox passes Mozilla's own add-on linter (the checks addons.mozilla.org runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('web-ext lint finds no errors or warnings in dist/firefox', () => {
  const out = execFileSync(`${root}/node_modules/.bin/web-ext`,
    ['lint', '--source-dir', `${root}/dist/firefox`, '--output', 'json', '--no-config-discovery'],
    { encoding: 'utf8', env: { ...process.env, WEB_EXT_TELEMETRY: 'false' } });
  const report = JSON.parse(out.slice(out.indexOf('{')));
  const problems = [...report.errors, ...report.warnings].map((m) => `${m.code}: ${m.message} (${m.file ?? ''}) ${m.description ?? ''}`);
  assert.deepEqual(problems, []);
});
