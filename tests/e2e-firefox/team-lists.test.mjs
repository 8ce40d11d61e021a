// Team lists in headless Firefox ESR: subscribe from the options page to a list served over
// https, its entries in the options page and in the real toolbar popup, and a refresh that
// changes the list.
//
// The list comes from a real https server on this machine (harness `serveFiles`): the
// extension's background page fetches it, and BiDi does not intercept a background page's
// requests as it does a tab's. One browser step is stood in for: the permission prompt
// (`permissions.request`) is browser UI that nothing answers in headless mode, so the test
// grants that one origin as the prompt's "Allow" does (Firefox's ExtensionPermissions, in the
// browser's privileged context) before the user clicks Subscribe; the options page's own
// `permissions.request` then finds it granted and resolves without a prompt.
// Globals of the browser window's privileged (chrome) context, where inChrome() functions run:
/* global ChromeUtils, WebExtensionPolicy */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, extensionDirectory } from './harness.mjs';
import { poll } from '../e2e/harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HOST = 'lists.example.test';
const PATH = '/aws/roleswitch.json';

/** A published Roleswitch JSON list of `n` entries (`rename`: index → name). */
function listText(n, rename = {}) {
  return JSON.stringify({
    version: 1,
    environments: Array.from({ length: n }, (_, i) => ({
      accountId: String(200000000000 + i * 101).padStart(12, '0'),
      roleName: 'TeamAdmin',
      displayName: rename[i] ?? `team-${i}`,
      color: '#99ccff',
    })),
  });
}

const files = new Map([[PATH, { body: listText(12), etag: '"v1"' }]]);
let h;
let server;
let options;

before(async () => {
  h = await launch({ extensionDir: extensionDirectory(root) });
  server = await h.serveFiles(HOST, files);
  options = await h.newTab(`${h.extensionOrigin}/options/options.html`);
  await options.waitFor(() => Boolean(globalThis.RS?.protocol) && document.readyState === 'complete');
});

after(async () => {
  await h?.close();
});

/** The read-only rows of the options page's table: name and sources. */
const teamRows = () => options.evaluate(() => [...document.querySelectorAll('#team-envs tr')]
  .map((tr) => `${tr.cells[1]?.textContent.trim()} | ${tr.querySelector('.sources')?.textContent}`));

/** Opens the popup over a console tab and returns the names it shows for `query`. */
async function popupNames(query) {
  const tab = await h.openConsole({ variant: 'header2021' });
  const popup = await h.openPopup(tab);
  try {
    await popup.waitFor((d) => d.querySelectorAll('#list li .name').length > 0);
    if (query) {
      await popup.type(query);
      const typed = () => popup.evaluate((d, q) => d.getElementById('filter').value === q, query);
      for (let i = 0; i < 50 && !(await typed()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(await typed(), `"${query}" was not typed into the filter`);
      await new Promise((r) => setTimeout(r, 300));
    }
    return await popup.evaluate((d) => [...d.querySelectorAll('#list li .name')].map((n) => n.textContent));
  } finally {
    await h.closePopup();
  }
}

test('subscribe from the options page: the list is fetched without cookies, its entries are in the options page and the popup', async () => {
  const url = `${server.origin}${PATH}`;
  // See the header: what the permission prompt's "Allow" grants, that one origin.
  await h.inChrome(async (id, origin) => {
    const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
    const policy = WebExtensionPolicy.getByID(id);
    await ExtensionPermissions.add(id, { permissions: [], origins: [origin] }, policy.extension);
  }, h.extensionId, `https://${HOST}/*`);

  await options.evaluate((u) => {
    document.getElementById('sub-url').value = u;
    document.getElementById('sub-name').value = 'Platform';
  }, url);
  // A person sees the button enabled once the page's core is loaded (a few ms after opening).
  await options.waitFor(() => !document.getElementById('subscribe').disabled);
  await options.click('#subscribe');
  await options.waitFor(() => document.querySelectorAll('#team-envs tr').length === 12, { timeoutMs: 15_000 });
  const rows = await teamRows();
  assert.ok(rows.includes('team-3 | from Platform'), rows.join('\n'));
  assert.match(await options.evaluate(() => document.querySelector('#subscriptions .sub-status').textContent), /Up to date: 12 entries/);
  assert.equal(server.requests.length, 1);
  assert.equal(server.requests[0].headers.cookie, undefined, 'no cookies are sent');
  const held = await options.evaluate(() => browser.permissions.getAll());
  assert.equal(held.origins.some((o) => o === 'https://*/*' || o === '<all_urls>'), false, 'no broad host access held');

  const shown = await popupNames();
  assert.ok(shown.includes('team-0') && shown.includes('team-3'), shown.join(', '));
  assert.deepEqual(await popupNames('team-11'), ['team-11']);
});

test('refresh now: an unchanged list costs a 304, a changed one shows in the popup', async () => {
  const asked = server.requests.length;
  await options.click('#subscriptions .sub-refresh');
  await poll(() => server.requests.length > asked, 10_000, 'Refresh now sent no request');
  assert.equal(server.requests.at(-1).headers['if-none-match'], '"v1"', 'a conditional request');
  assert.equal(server.requests.at(-1).headers.cookie, undefined, 'no cookies are sent');
  // The button is busy until the refresh is done and the list drawn again.
  await options.waitFor(() => document.querySelector('#subscriptions .sub-refresh')?.disabled === false);
  await options.waitFor(() => /Up to date: 12 entries/.test(document.querySelector('#subscriptions .sub-status')?.textContent ?? ''));

  files.set(PATH, { body: listText(12, { 11: 'team-eleven' }), etag: '"v2"' });
  await options.click('#subscriptions .sub-refresh');
  await options.waitFor(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-eleven')),
    { timeoutMs: 15_000 });
  assert.deepEqual(await popupNames('team-eleven'), ['team-eleven']);
});
