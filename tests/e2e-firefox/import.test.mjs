// Importing through the options page in headless Firefox ESR: an AESR configuration pasted
// (clipboard and Ctrl+V), previewed, confirmed, and the environments are listed and stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, extensionDirectory, KEY } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const AESR = readFileSync(`${root}/tests/fixtures/formats/aesr.ini`, 'utf8');

let h;

before(async () => {
  h = await launch({ extensionDir: extensionDirectory(root) });
});

after(async () => {
  await h?.close();
});

/** Whether the element with id `i` is shown (run in the page). */
const visible = (i) => !document.getElementById(i).hidden && document.getElementById(i).getClientRects().length > 0;

test('paste an AESR configuration, preview, confirm: the environments are listed and stored', async () => {
  const page = await h.newTab(`${h.extensionOrigin}/options/options.html`);
  await page.waitFor(visible, 'empty');

  await h.copyToClipboard(AESR);
  await page.click('#import-text');
  await page.chord(KEY.Control, 'v');
  assert.equal(await page.waitFor(() => document.getElementById('import-text').value), AESR, 'pasted as is');

  // Enabled once the page's core is loaded (a click before would do nothing).
  await page.waitFor(() => !document.getElementById('import-preview').disabled);
  await page.click('#import-preview');
  await page.waitFor(visible, 'import-plan');
  assert.equal(await page.evaluate(() => document.getElementById('plan-summary').textContent),
    'Importing will leave 4 environments: 4 added, 0 changed, 0 removed, 0 left as they are.');
  assert.equal(await page.evaluate(visible, 'empty'), true, 'nothing is written before confirming');
  assert.equal((await h.message('page-bg-get-list')).environments.length, 0);

  await page.click('#import-confirm');
  const rows = await page.waitFor(() => {
    const r = [...document.querySelectorAll('#envs tbody tr')].map((tr) => tr.textContent.replace(/\s+/g, ' '));
    return r.length === 4 && r;
  });
  assert.ok(rows.some((r) => r.includes('Acme Prod') && r.includes('4444-5555-6666') && r.includes('PlatformAdmin')), rows.join('\n'));
  assert.ok(rows.some((r) => r.includes('sandbox') && r.includes('team/Developer')), rows.join('\n'));
  const said = await page.waitFor(() => /^Imported/.test(document.getElementById('import-warnings').textContent)
    && document.getElementById('import-warnings').textContent);
  assert.match(said, /^Imported: 4 added, 0 changed, 0 removed/);
  assert.equal(await page.evaluate(visible, 'empty'), false);

  // Stored by the background: the popup's list has them too.
  const { environments } = await h.message('page-bg-get-list');
  assert.deepEqual(environments.map((e) => e.displayName).sort(), ['Acme Prod', 'Acme Staging', 'logs', 'sandbox']);
  const prod = environments.find((e) => e.displayName === 'Acme Prod');
  assert.equal(prod.accountId, '444455556666');
  assert.equal(prod.roleName, 'PlatformAdmin');
  await page.close();
});
