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

test('Firefox ESR installs dist/firefox and its background starts the wasm core', { timeout: 90_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(`${root}/node_modules/.bin/web-ext`, [
    'run', '--no-config-discovery', '--source-dir', `${root}/dist/firefox`, '--firefox', '/usr/bin/firefox-esr',
    '--arg=-headless', '--no-input', '--no-reload', '--verbose',
    // Extension console messages go to Firefox's stdout, which --verbose shows.
    '--pref', 'devtools.console.stdout.chrome=true', '--pref', 'devtools.console.stdout.content=true',
  ], { detached: true, env: { ...process.env, WEB_EXT_TELEMETRY: 'false' } });
  let output = '';
  try {
    const verdict = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timed out'), 75_000);
      const read = (chunk) => {
        output += chunk;
        // Both lines, in either order: Firefox's stdout and web-ext's own log interleave.
        if (/Roleswitch [\d.]+: core ready/.test(output) && /Installed .* as a temporary add-on/.test(output)) resolve('ready');
        else if (/Roleswitch: the core \(wasm\) failed to load/.test(output)) resolve('failed');
        else return;
        clearTimeout(timer);
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', () => resolve('exited'));
    });
    assert.match(output, /Installed .* as a temporary add-on/);
    assert.equal(verdict, 'ready', output.split('\n').filter((l) => /Roleswitch|rror/.test(l)).slice(-20).join('\n'));
  } finally {
    try {
      process.kill(-child.pid, 'SIGKILL'); // web-ext and the Firefox it started
    } catch {
      // already gone
    }
  }
});
