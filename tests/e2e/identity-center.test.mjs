// IAM Identity Center environments end to end (issue 13): opened from the popup through the
// access portal's shortcut link (the portal is a fixture host, `acme.awsapps.com`), and
// recognised on a console page of a portal session (role `AWSReservedSSO_<set>_<hash>`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, poll } from './harness.mjs';
import { waitForBanner } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PORTAL = 'https://acme.awsapps.com/start';
const ENVS = [
  // An IAM role in the same account whose name is the permission set's: never the IC session's match.
  { displayName: 'prod-iam', accountId: '444455556666', roleName: 'Read_Only' },
  { displayName: 'sso-prod', accountId: '444455556666', roleName: 'Read_Only', production: true, region: 'us-west-2', portalUrl: PORTAL },
  { displayName: 'sso-dev', accountId: '777788889999', roleName: 'AdministratorAccess', region: 'eu-west-1', portalUrl: PORTAL },
];

let h;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  for (const input of ENVS) {
    const saved = await page.evaluate((i) => globalThis.RS.protocol.send('page-bg-save-env', { input: i }), input);
    assert.equal(saved.ok, true, JSON.stringify(saved.errors));
  }
  await page.close();
});

after(async () => {
  await h?.close();
});

const closePopup = (popup) => Promise.race([popup.close(), new Promise((r) => setTimeout(r, 1000))]);
const closeTab = (tab) => Promise.race([tab.close(), new Promise((r) => setTimeout(r, 1000))]);

/** `{ origin, path, account_id, role_name, destination }` of a portal shortcut URL. */
function readShortcut(url) {
  const u = new URL(url);
  assert.ok(u.hash.startsWith('#/console?'), `a shortcut route: ${url}`);
  const params = new URLSearchParams(u.hash.slice('#/console?'.length));
  return { origin: u.origin, path: u.pathname, ...Object.fromEntries(params) };
}

/** Opens the popup over `tab`, filters to `query` and presses Enter. */
async function choose(tab, query) {
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
  await popup.type(query);
  await popup.waitFor(`document.querySelector('#list .name')?.textContent === ${JSON.stringify(query)}`);
  await popup.press('Enter');
  return popup;
}

test('from a console page, an Identity Center environment opens the portal shortcut to the same page in its region', async () => {
  h.aws.reset();
  const tab = await h.openConsole('https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:');
  const popup = await choose(tab, 'sso-dev');
  await tab.waitForURL((u) => u.hostname === 'acme.awsapps.com');
  assert.deepEqual(readShortcut(tab.url()), {
    origin: 'https://acme.awsapps.com',
    path: '/start/',
    account_id: '777788889999',
    role_name: 'AdministratorAccess',
    destination: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:',
  });
  // The portal page read the same route (the fragment never reaches a server).
  await tab.locator('#shortcut-account', { hasText: '777788889999' }).waitFor();
  assert.equal(await tab.locator('#shortcut-role').textContent(), 'AdministratorAccess');
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'no switch-role post');
  assert.ok(h.aws.requests.some((r) => r.host === 'acme.awsapps.com' && r.path === '/start/'));
  await closePopup(popup);
  await closeTab(tab);
});

test('production Identity Center environments ask first; from a non-AWS tab the shortcut opens its landing page in a new tab', async () => {
  h.aws.reset();
  const tab = await h.context.newPage();
  await tab.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const popup = await choose(tab, 'sso-prod');
  await popup.waitFor(`!document.getElementById('confirm').hidden`);
  assert.match(await popup.evaluate(() => document.getElementById('confirm').textContent), /PRODUCTION sso-prod/);
  assert.ok(!h.context.pages().some((p) => p.url().includes('awsapps.com')), 'nothing opened before the second Enter');
  await popup.press('Enter');
  const portal = await poll(() => h.context.pages().find((p) => p.url().startsWith(PORTAL)), 10_000,
    'the portal shortcut did not open in a new tab');
  assert.deepEqual(readShortcut(portal.url()), {
    origin: 'https://acme.awsapps.com',
    path: '/start/',
    account_id: '444455556666',
    role_name: 'Read_Only',
    destination: 'https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2',
  });
  assert.ok(tab.url().startsWith('chrome-extension://'), 'the options tab stays as it was');
  await closePopup(popup);
  await closeTab(portal);
  await closeTab(tab);
});

const IC_SESSION = {
  accountId: '444455556666', roleName: 'AWSReservedSSO_Read_Only_0123456789abcdef', sessionName: 'dana@example.com',
  region: 'us-west-2',
};

for (const variant of ['header2021', 'navbutton']) {
  test(`a console page of an Identity Center session (${variant}) shows the assignment's banner with the permission set, never the reserved name`, async () => {
    h.aws.reset();
    h.aws.identity = { ...IC_SESSION };
    const tab = await h.openConsole({ variant });
    const banner = await waitForBanner(tab, (b) => b.name !== '');
    assert.equal(banner.name, 'sso-prod', 'the assignment, not the IAM role of the same name in that account');
    assert.equal(banner.level, 'production');
    assert.equal(banner.meta, '4444-5555-6666 · Read_Only');
    assert.doesNotMatch(JSON.stringify(banner), /AWSReserved/i);
    assert.doesNotMatch(await tab.title(), /AWSReserved/i);
    const popup = await h.openPopup(tab);
    await popup.waitFor(`!document.getElementById('signed-in').hidden`);
    const signedIn = await popup.evaluate(() => document.getElementById('signed-in').textContent);
    assert.match(signedIn, /^Signed in: .*4444-5555-6666.* · Read_Only$/);
    assert.doesNotMatch(signedIn, /AWSReserved/i);
    await closePopup(popup);
    await closeTab(tab);
  });
}
