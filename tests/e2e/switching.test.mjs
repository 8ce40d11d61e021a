// Switching that survives AWS (issue #3), end to end: the in-console one-step switch on each
// console variant, the multi-session switch, partitions, production confirmation, recents
// (across a browser restart) and base accounts. Every request to a sign-in host is captured by
// the harness; the tests assert its host and every field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, closeSoon } from './harness.mjs';
import { waitForBanner } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const extensionDir = `${root}/dist/chrome`;
const userDataDir = mkdtempSync(path.join(tmpdir(), 'roleswitch-switching-'));
const MGMT = { accountId: '999988887777', roleName: 'Admin', sessionName: 'alice', alias: 'acme-mgmt', region: 'us-east-1' };
const TOKEN = 'fixture-csrf-token-0123456789';
const ENVS = [
  { displayName: 'test', accountId: '111122223333', region: 'eu-west-1', base: { accountId: '999988887777', roleName: 'Admin' } },
  { displayName: 'prod', accountId: '444455556666', production: true, color: 'red',
    base: { accountId: '999988887777', alias: 'acme-mgmt', roleName: 'Admin' } },
  { displayName: 'gov', accountId: '222233334444', region: 'us-gov-east-1' },
  { displayName: 'other', accountId: '555566667777', base: { accountId: '123412341234' } },
];

let h;

async function options() {
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  return page;
}

before(async () => {
  h = await launch({ extensionDir, userDataDir });
  await h.saveEnvironments(ENVS);
});

after(async () => {
  await h?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

const names = (popup) => popup.evaluate(() => [...document.querySelectorAll('#list .name')].map((n) => n.textContent));
const statusText = (popup) => popup.evaluate(() => document.getElementById('status').textContent);
const posts = () => h.aws.requests.filter((r) => r.method === 'POST');

/** Opens a console as `identity`, the popup over it, filters to `query` and presses Enter. */
async function switchFrom(consoleOptions, query, identity = MGMT) {
  h.aws.reset();
  h.aws.identity = { ...identity };
  const tab = await h.openConsole(consoleOptions);
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
  await popup.type(query);
  await popup.waitFor(`document.querySelector('#list .name')?.textContent === ${JSON.stringify(query)}`);
  await popup.press('Enter');
  return { tab, popup };
}

test('header2021 console: one POST of the hidden form to the sign-in host, region substituted', async () => {
  const { tab, popup } = await switchFrom({ variant: 'header2021' }, 'test');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.host, 'signin.aws.amazon.com');
  assert.deepEqual(post.form, {
    action: 'switchFromBasis',
    src: 'nav',
    mfaNeeded: '0',
    roleName: 'OrganizationAccountAccessRole',
    account: '111122223333',
    displayName: 'test',
    color: '83d4e8',
    redirect_uri: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
    csrf: TOKEN,
  });
  assert.equal(post.headers.origin, 'https://us-east-1.console.aws.amazon.com', 'posted by the console page itself');
  assert.equal(h.aws.requests.filter((r) => r.method === 'GET').length, 0, 'no switch-role page in between');
  await tab.waitForURL('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('classic console: the same fields; without a region the current page is the redirect', async () => {
  const { tab, popup } = await switchFrom({ variant: 'classic', region: 'ap-south-1' }, 'other');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.host, 'signin.aws.amazon.com');
  assert.deepEqual(post.form, {
    action: 'switchFromBasis', src: 'nav', mfaNeeded: '0', roleName: 'OrganizationAccountAccessRole',
    account: '555566667777', displayName: 'other', color: '83d4e8',
    redirect_uri: 'https://ap-south-1.console.aws.amazon.com/console/home?region=ap-south-1', csrf: TOKEN,
  });
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('no CSRF token: the switch-role page instead, and the popup says so', async () => {
  const { tab, popup } = await switchFrom({ variant: 'nocsrf' }, 'test');
  await popup.waitFor(`document.getElementById('status').textContent.includes('CSRF')`);
  assert.match(await statusText(popup), /Could not read this console's CSRF token: switching through the switch-role page/);
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.ok(h.aws.requests.some((r) => r.method === 'GET' && r.path === '/switchrole'), 'went through the page');
  assert.equal(post.form.action, undefined, 'the switch-role page’s form, not the hidden one');
  assert.equal(post.form.account, '111122223333');
  assert.equal(post.form.csrf, TOKEN, 'the switch-role page’s own token');
  assert.equal(posts().length, 1, 'nothing was posted with an empty token');
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('multi-session console: the session switch with the exact body and header; destination opens', async () => {
  const { tab, popup } = await switchFrom({ variant: 'multisession' }, 'test');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(post.url, 'https://signin.aws.amazon.com/sessions/abcd1234/v1/switchrole');
  assert.equal(post.headers['x-csrf-protection'], '1');
  assert.match(post.headers['content-type'], /^application\/json/);
  assert.deepEqual(post.json, {
    account: '111122223333',
    roleName: 'OrganizationAccountAccessRole',
    displayName: 'test',
    color: '83d4e8',
    redirectUri: 'https://999988887777-abcd1234.eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
  });
  const destination = /^https:\/\/111122223333-s\d+\.us-east-1\.console\.aws\.amazon\.com\/console\/home$/;
  let page;
  for (let i = 0; i < 100 && !page; i++) {
    page = h.context.pages().find((p) => destination.test(p.url()));
    if (!page) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(page, `the destination opened in a new tab; tabs: ${h.context.pages().map((p) => p.url())}`);
  // The banner works on multi-session hosts: the account is in the host prefix.
  const { name } = await waitForBanner(page);
  assert.equal(name, 'test');
  await page.close();
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('multi-session console: an empty destination is a clear message in the popup', async () => {
  h.aws.reset();
  h.aws.identity = { ...MGMT };
  h.aws.multiSession.destination = '';
  const tabsBefore = h.context.pages().length;
  const tab = await h.openConsole({ variant: 'multisession' });
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
  await popup.type('test');
  await popup.waitFor(`document.querySelector('#list .name')?.textContent === 'test'`);
  await popup.press('Enter');
  await popup.waitFor(`document.getElementById('status').textContent.startsWith('This session')`)
    .catch((e) => { throw new Error(`${e.message}\n${popup.logs.join('\n')}\n${JSON.stringify(h.aws.requests.map((r) => [r.method, r.url]))}`); });
  assert.equal(await statusText(popup), 'This session may not assume OrganizationAccountAccessRole in 1111-2222-3333 (test).');
  assert.equal(h.context.pages().length, tabsBefore + 1, 'nothing opened but the console tab');
  await popup.close();
  await closeSoon(tab);
});

test('GovCloud console: a GovCloud environment switches through the GovCloud sign-in host', async () => {
  const { tab, popup } = await switchFrom({ variant: 'govcloud' }, 'gov', { ...MGMT, region: 'us-gov-west-1' });
  const post = await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(post.host, 'signin.amazonaws-us-gov.com');
  assert.deepEqual(post.form, {
    action: 'switchFromBasis', src: 'nav', mfaNeeded: '0', roleName: 'OrganizationAccountAccessRole',
    account: '222233334444', displayName: 'gov', color: '83d4e8',
    redirect_uri: 'https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1', csrf: TOKEN,
  });
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('GovCloud console: a commercial environment is never sent to the GovCloud host', async () => {
  const { tab, popup } = await switchFrom({ variant: 'govcloud' }, 'test', { ...MGMT, region: 'us-gov-west-1' });
  await popup.waitFor(`document.getElementById('status').textContent.includes('GovCloud')`);
  assert.match(await statusText(popup), /This console is in AWS GovCloud \(US\), but test is in the commercial AWS partition: switching through signin\.aws\.amazon\.com/);
  await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(h.aws.requests.filter((r) => r.host === 'signin.amazonaws-us-gov.com').length, 0);
  assert.ok(h.aws.requests.every((r) => r.host === 'signin.aws.amazon.com'));
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('production: Enter asks, Esc cancels, Enter Enter switches', async () => {
  const { tab, popup } = await switchFrom({ variant: 'header2021' }, 'prod');
  await popup.waitFor(`!document.getElementById('confirm').hidden`);
  assert.equal(
    await popup.evaluate(() => document.getElementById('confirm').textContent),
    'Switch into PRODUCTION prod (4444-5555-6666)? Enter to confirm, Esc to cancel.',
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(posts().length, 0, 'nothing posted on the first Enter');
  await popup.press('Escape');
  await popup.waitFor(`document.getElementById('confirm').hidden`);
  assert.equal(posts().length, 0, 'Esc cancels');
  await popup.press('Enter');
  await popup.waitFor(`!document.getElementById('confirm').hidden`);
  await popup.press('Enter');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(post.form.account, '444455556666');
  assert.equal(post.form.displayName, 'prod');
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('base accounts: reachable first, reachable only (a setting), and back to the base', async () => {
  h.aws.reset();
  h.aws.identity = { ...MGMT };
  let tab = await h.openConsole();
  let popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length === 4`);
  const order = await names(popup);
  assert.equal(order.at(-1), 'other', 'not reachable from acme-mgmt: last');
  assert.equal(await popup.evaluate(() => document.querySelector('#list li:last-child').classList.contains('unreachable')), true);
  assert.match(await popup.evaluate(() => document.getElementById('signed-in').textContent), /acme-mgmt \(9999-8888-7777\) · Admin/);
  await popup.close();

  const settings = await options();
  await settings.setChecked('#setting-reachableOnly', true);
  await settings.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
  await tab.bringToFront(); // the popup's switch runs on the active tab
  popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length === 3`);
  assert.equal((await names(popup)).includes('other'), false);
  await popup.close();
  await settings.setChecked('#setting-reachableOnly', false);
  await settings.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
  await settings.close();
  await closeSoon(tab);

  // In prod through OrganizationAccountAccessRole: back to acme-mgmt's Admin role.
  h.aws.identity = { ...MGMT, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole', alias: undefined };
  tab = await h.openConsole();
  popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelector('#list li.back') !== null`);
  assert.equal((await names(popup))[0], 'Back to acme-mgmt (9999-8888-7777) · Admin');
  await popup.press('Enter');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(post.form.account, '999988887777');
  assert.equal(post.form.roleName, 'Admin');
  assert.equal(post.form.displayName, 'acme-mgmt');
  assert.equal(post.form.action, 'switchFromBasis');
  await closeSoon(popup); // it may still be open, showing a message
  await closeSoon(tab);
});

test('recents: last used first, and the order survives a browser restart', async () => {
  for (const name of ['gov', 'other', 'test']) {
    const { tab, popup } = await switchFrom({ variant: 'header2021' }, name);
    await h.aws.waitForRequest((r) => r.method === 'POST');
    await closeSoon(popup);
    await closeSoon(tab);
  }
  const firstThree = async () => {
    const blank = await h.context.newPage();
    const popup = await h.openPopup(blank);
    await popup.waitFor(`document.querySelectorAll('#list li').length === 4`);
    const got = (await names(popup)).slice(0, 3);
    await popup.close();
    await blank.close();
    return got;
  };
  assert.deepEqual(await firstThree(), ['test', 'other', 'gov']);
  await h.close();
  h = await launch({ extensionDir, userDataDir });
  assert.deepEqual(await firstThree(), ['test', 'other', 'gov']);
});
