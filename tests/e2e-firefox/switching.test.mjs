// Switching from the real toolbar popup in headless Firefox ESR: through AWS's switch-role page
// (the pre-2024 and the 2024 form, filled and submitted by the extension) and in one step from
// inside the console (the page posts AWS's own switchFromBasis form with its CSRF token). Every
// request to the sign-in host is captured; the tests assert what was posted and where the tab
// lands.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, extensionDirectory, inBanner, DEFAULT_IDENTITY } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'fixture-csrf-token-0123456789';
const MANAGING = { ...DEFAULT_IDENTITY, accountId: '999988887777', roleName: 'Admin', alias: 'acme-mgmt' };
const ENVS = [
  { id: 'env-test', displayName: 'test', accountId: '111122223333', color: '#b7ca9d', region: 'eu-west-1' },
  { id: 'env-prod', displayName: 'prod', accountId: '444455556666', production: true, color: '#d0021b' },
];

let h;

before(async () => {
  h = await launch({ extensionDir: extensionDirectory(root) });
  assert.equal(await h.seedList(ENVS), 2);
});

after(async () => {
  await h?.close();
});

beforeEach(() => {
  h.aws.reset();
  h.aws.identity = { ...MANAGING };
});

/** Opens a console tab, the popup over it, filters to `query` (one row) and presses Enter. */
async function switchFrom(variant, query) {
  const tab = await h.openConsole({ variant });
  const popup = await h.openPopup(tab);
  await popup.waitFor((d) => d.querySelectorAll('#list li').length === 2);
  assert.equal(await popup.evaluate((d) => d.activeElement.id), 'filter', 'the filter is focused on open');
  await popup.type(query);
  const shown = await popup.waitFor((d) => d.querySelectorAll('#list li').length === 1
    && d.querySelector('#list [aria-selected="true"] .name')?.textContent);
  assert.equal(shown, query);
  await popup.press('Enter');
  return { tab, popup };
}

/** The banner's name and level once the tab shows `name`. */
async function bannerShows(tab, name) {
  const deadline = Date.now() + 10_000;
  let last;
  while (Date.now() < deadline) {
    last = await inBanner(tab, (root) => ({
      name: root.querySelector('.name')?.textContent,
      production: root.querySelector('.bar')?.classList.contains('production'),
    })).catch((e) => ({ error: e.message }));
    if (last?.name === name) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the banner never showed ${name}; last: ${JSON.stringify(last)}`);
}

test('no CSRF token on the console: the popup says so, the legacy switch-role form is filled and submitted', async () => {
  h.aws.switchRoleVariant = 'legacy';
  const { tab, popup } = await switchFrom('nocsrf', 'test');
  const status = await popup.waitFor((d) => /CSRF/.test(d.getElementById('status').textContent)
    && d.getElementById('status').textContent);
  assert.equal(status, "Could not read this console's CSRF token: switching through the switch-role page.");

  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  const page = h.aws.requests.find((r) => r.method === 'GET' && r.path === '/switchrole');
  assert.ok(page, 'the tab went to AWS’s switch-role page');
  assert.equal(page.host, 'signin.aws.amazon.com');
  assert.equal(page.query.account, '111122223333');
  assert.equal(post.host, 'signin.aws.amazon.com');
  assert.deepEqual(post.form, {
    csrf: TOKEN, // the page's own hidden field
    account: '111122223333',
    roleName: 'OrganizationAccountAccessRole',
    displayName: 'test',
    color: 'b7ca9d',
  });
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 1, 'submitted once');
  // The same tab lands in the new account, with its banner.
  assert.deepEqual(await bannerShows(tab, 'test'), { name: 'test', production: false });
  assert.match(await tab.url(), /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/console\/home$/, 'AWS’s console home');
  await popup.close();
  await tab.close();
});

test('the 2024 switch-role form (accountId, no form id) is filled too, after the production confirmation', async () => {
  h.aws.switchRoleVariant = '2024';
  const { tab, popup } = await switchFrom('nocsrf', 'prod');
  const confirm = await popup.waitFor((d) => !d.getElementById('confirm').hidden && d.getElementById('confirm').textContent);
  assert.match(confirm, /^Switch into PRODUCTION prod \(4444-5555-6666\)\? Enter to confirm/);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(h.aws.requests.length, 0, 'nothing happens on the first Enter');
  await popup.press('Enter');

  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.deepEqual(post.form, {
    csrf: TOKEN,
    accountId: '444455556666',
    roleName: 'OrganizationAccountAccessRole',
    displayName: 'prod',
    color: 'f2b0a9', // AWS's red, the nearest of its colors to #d0021b
  });
  assert.deepEqual(await bannerShows(tab, 'prod'), { name: 'prod', production: true });
  await popup.close();
  await tab.close();
});

test('in-console fast path: the console page posts switchFromBasis with its CSRF token, no switch-role page', async () => {
  const { tab, popup } = await switchFrom('header2021', 'test');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.host, 'signin.aws.amazon.com');
  assert.deepEqual(post.form, {
    action: 'switchFromBasis',
    src: 'nav',
    mfaNeeded: '0',
    roleName: 'OrganizationAccountAccessRole',
    account: '111122223333',
    displayName: 'test',
    color: 'b7ca9d',
    redirect_uri: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
    csrf: TOKEN,
  });
  assert.equal(post.headers.origin, 'https://us-east-1.console.aws.amazon.com', 'posted by the console page itself');
  assert.equal(h.aws.requests.filter((r) => r.method === 'GET').length, 0, 'no switch-role page in between');
  assert.deepEqual(await bannerShows(tab, 'test'), { name: 'test', production: false });
  assert.match(await tab.url(), /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/console\/home\?region=eu-west-1$/);
  assert.deepEqual(h.aws.blocked, [], 'nothing went to a host that is not AWS');
  await popup.close();
  await tab.close();
});

test('the popup reads what the background stored for it, the list and its search from the list cache, and asks nothing', async () => {
  const tab = await h.openConsole({ variant: 'header2021' });
  const loaded = (d) => d.defaultView.performance.getEntriesByName('roleswitch:loaded')[0]?.detail ?? false;
  let popup = await h.openPopup(tab);
  await popup.waitFor(loaded); // the first open may find the records not made yet: then it asks
  await popup.close();
  popup = await h.openPopup(tab);
  assert.equal(await popup.waitFor(loaded), 'stored', 'the second open asked the background');
  await popup.type('prod');
  const shown = await popup.waitFor((d) => d.querySelectorAll('#list li').length === 1
    && d.querySelector('#list [aria-selected="true"] .name')?.textContent);
  assert.equal(shown, 'prod', 'the search, over the index read from the list cache');
  await popup.close();
  await tab.close();
});
