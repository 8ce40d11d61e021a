// IAM Identity Center environments end to end (issue 13): opened from the popup through the
// access portal's shortcut link (the portal is a fixture host, `acme.awsapps.com`),
// recognised on a console page of a portal session (role `AWSReservedSSO_<set>_<hash>`), and
// "Copy link" (popup button and keyboard command), whose link a fresh browser without the
// extension opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { closeSoon, launch, launchWithoutExtension, poll } from './harness.mjs';
import { waitForBanner, centreOf, inBanner } from './banner-dom.mjs';

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
  await h.saveEnvironments(ENVS);
});

after(async () => {
  await h?.close();
});


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
  await closeSoon(popup);
  await closeSoon(tab);
});

test('Shift+Enter opens an Identity Center environment alongside: the portal shortcut in a new tab, the console tab kept', async () => {
  h.aws.reset();
  const pageUrl = 'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1';
  const tab = await h.openConsole(pageUrl);
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
  await popup.type('sso-dev');
  await popup.waitFor(`document.querySelector('#list .name')?.textContent === 'sso-dev'`);
  await popup.press('Shift+Enter');
  const portal = await poll(() => h.context.pages().find((p) => p.url().startsWith(PORTAL)), 10_000,
    'the portal shortcut did not open in a new tab');
  assert.equal(readShortcut(portal.url()).destination, 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1');
  assert.equal(tab.url(), pageUrl, 'the console tab and its session are kept');
  await closeSoon(popup);
  await closeSoon(portal);
  await closeSoon(tab);
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
  await closeSoon(popup);
  await closeSoon(portal);
  await closeSoon(tab);
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
    await closeSoon(popup);
    await closeSoon(tab);
  });
}

/** The clipboard's text, read in console tab `tab` (brought to the front: reading needs focus). */
async function clipboardOf(tab) {
  await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(tab.url()).origin });
  await tab.bringToFront();
  return tab.evaluate(() => navigator.clipboard.readText());
}

/** Opens `link` in a fresh profile without the extension; `{ page, aws }` (the caller closes `fresh`). */
async function openFresh(fresh, link) {
  const page = await fresh.context.newPage();
  await page.goto(link, { waitUntil: 'load' });
  return page;
}

test('Copy link in the popup: on an Identity Center page, the portal shortcut to that page, which a browser without the extension opens', async () => {
  h.aws.reset();
  h.aws.identity = { ...IC_SESSION };
  const pageUrl = 'https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2&tab=objects';
  const tab = await h.openConsole(pageUrl);
  await waitForBanner(tab, (b) => b.name === 'sso-prod');
  await tab.evaluate(() => navigator.clipboard.writeText('before')).catch(() => {});
  const popup = await h.openPopup(tab);
  await popup.waitFor(`!document.getElementById('copy-link').hidden`);
  await popup.evaluate(() => document.getElementById('copy-link').click());
  await popup.waitFor(`document.getElementById('status').textContent.startsWith('Copied')`);
  assert.equal(await popup.evaluate(() => document.getElementById('status').textContent), 'Copied a link to this page in sso-prod.');
  await closeSoon(popup);
  const link = await clipboardOf(tab);
  assert.equal(link, `${PORTAL}/#/console?account_id=444455556666&role_name=Read_Only&destination=${encodeURIComponent(pageUrl)}`);

  const fresh = await launchWithoutExtension();
  try {
    const opened = await openFresh(fresh, link);
    await opened.locator('#shortcut-account', { hasText: '444455556666' }).waitFor();
    assert.equal(await opened.locator('#shortcut-role').textContent(), 'Read_Only');
    assert.equal(await opened.locator('#shortcut-destination').textContent(), pageUrl);
    assert.ok(fresh.aws.requests.some((r) => r.host === 'acme.awsapps.com' && r.path === '/start/'), 'the portal was asked');
  } finally {
    await fresh.close();
  }
  await closeSoon(tab);
});

test('Copy link from the keyboard command: on an assumed-role page, the switch-role link, which a browser without the extension opens with the fields', async () => {
  h.aws.reset();
  h.aws.identity = { accountId: '444455556666', roleName: 'Read_Only', sessionName: 'alice', region: 'us-east-1' };
  const tab = await h.openConsole('https://444455556666-abcd1234.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  await waitForBanner(tab, (b) => b.name === 'prod-iam');
  await tab.evaluate(() => navigator.clipboard.writeText('before')).catch(() => {});
  // Headless Chromium does not route key presses to extension commands: the command's own
  // event is dispatched to the worker's listener, with the tab as Chrome passes it.
  const worker = await h.worker();
  await worker.evaluate(async (url) => {
    const [tab] = await chrome.tabs.query({ url });
    chrome.commands.onCommand.dispatch('copy-link', tab);
  }, tab.url());
  const link = await poll(async () => {
    const text = await clipboardOf(tab);
    return text !== 'before' && text;
  }, 10_000, 'the command copied nothing');
  const u = new URL(link);
  assert.equal(`${u.origin}${u.pathname}`, 'https://signin.aws.amazon.com/switchrole');
  assert.deepEqual(Object.fromEntries(u.searchParams), {
    account: '444455556666', roleName: 'Read_Only', displayName: 'prod-iam', color: u.searchParams.get('color'),
  });
  assert.match(u.searchParams.get('color'), /^[0-9a-f]{6}$/);
  assert.doesNotMatch(link, /abcd1234|csrf|token/i, 'nothing of the sender’s session');

  const fresh = await launchWithoutExtension();
  try {
    await openFresh(fresh, link);
    const get = await fresh.aws.waitForRequest((r) => r.method === 'GET' && r.path === '/switchrole');
    // What AWS's page pre-fills its form from (AWS-CONSOLE-FACTS.md).
    assert.equal(get.host, 'signin.aws.amazon.com');
    assert.deepEqual(get.query, Object.fromEntries(u.searchParams));
  } finally {
    await fresh.close();
  }
  await closeSoon(tab);
});

test('Copy link is not offered on a page whose account is not in the list', async () => {
  h.aws.reset();
  h.aws.identity = { accountId: '000011112222', roleName: 'Admin', sessionName: 'x', region: 'us-east-1' };
  const tab = await h.openConsole();
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
  assert.equal(await popup.evaluate(() => document.getElementById('copy-link').hidden), true);
  await closeSoon(popup);
  await closeSoon(tab);
});

test('on an Identity Center page of an account not in the list, "add it" prefills an Identity Center environment and asks for its portal URL', async () => {
  h.aws.reset();
  h.aws.identity = {
    accountId: '121212121212', roleName: 'AWSReservedSSO_Power_User_0123456789abcdef', sessionName: 'dana@example.com',
    region: 'us-east-1',
  };
  const tab = await h.openConsole({ variant: 'header2021' });
  const banner = await waitForBanner(tab, (b) => b.level === 'unknown');
  assert.match(banner.meta, /1212-1212-1212 is not in your list — add it/);
  const opened = h.context.waitForEvent('page');
  const at = await centreOf(tab, '.add');
  await tab.mouse.click(at.x, at.y);
  const form = await opened;
  await form.waitForLoadState();
  assert.match(form.url(), /options\/options\.html#add\?accountId=121212121212&kind=identityCenter&roleName=Power_User$/);
  await form.locator('#editor').waitFor();
  assert.equal(await form.isChecked('#kind-sso'), true, 'an Identity Center environment');
  assert.equal(await form.inputValue('#roleName'), 'Power_User', 'the permission set, not the reserved role');
  assert.equal(await form.textContent('#roleName-label'), 'Permission set');
  assert.equal(await form.evaluate(() => document.activeElement.id), 'portalUrl', 'the editor asks for the portal URL');
  await form.waitForFunction(() => document.getElementById('error-portalUrl').textContent !== '');
  assert.match(await form.textContent('#error-portalUrl'), /portal/i);
  await closeSoon(form);
  await closeSoon(tab);
});

/** Dispatches the copy-link command to the worker for the tab showing `url` (see above). */
async function copyLinkCommand(url) {
  const worker = await h.worker();
  await worker.evaluate(async (u) => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url === u);
    chrome.commands.onCommand.dispatch('copy-link', tab);
  }, url);
}

const noteOf = (tab) => inBanner(tab, (root) => {
  const note = root.querySelector('.note');
  return { text: note.hidden ? '' : note.textContent, failed: note.classList.contains('failed') };
});

test('the Copy link command says "Link copied" in the banner for 2 s, and why not when it could not', async () => {
  h.aws.reset();
  h.aws.identity = { accountId: '444455556666', roleName: 'Read_Only', sessionName: 'alice', region: 'us-east-1' };
  const tab = await h.openConsole('https://444455556666-abcd1234.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  await waitForBanner(tab, (b) => b.name === 'prod-iam');
  assert.deepEqual(await noteOf(tab), { text: '', failed: false });
  await copyLinkCommand(tab.url());
  const shown = await poll(async () => ((await noteOf(tab)).text ? Date.now() : false), 10_000, 'no note in the banner');
  assert.deepEqual(await noteOf(tab), { text: 'Link copied', failed: false });
  await poll(async () => (await noteOf(tab)).text === '', 10_000, 'the note stayed');
  const lasted = Date.now() - shown;
  assert.ok(lasted > 1200 && lasted < 4000, `shown about 2 s (${lasted} ms)`);
  await closeSoon(tab);

  // An account not in the list: the strip says why no link was copied.
  h.aws.identity = { accountId: '131313131313', roleName: 'Admin', sessionName: 'alice', region: 'us-east-1' };
  const unknown = await h.openConsole('https://131313131313-abcd1234.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  await waitForBanner(unknown, (b) => b.level === 'unknown');
  await copyLinkCommand(unknown.url());
  const failed = await poll(async () => {
    const note = await noteOf(unknown);
    return note.text && note;
  }, 10_000, 'no note in the strip');
  assert.equal(failed.failed, true);
  assert.match(failed.text, /^No link copied: This console page’s account is not in your list/);
  await closeSoon(unknown);
});

test('the Copy link command on a page that is not the console says why on the toolbar badge, for 2 s', async () => {
  const page = await h.context.newPage();
  await page.goto(PORTAL);
  await page.bringToFront();
  // The extension may not read this tab's URL (no host permission there): it is the active one.
  const worker = await h.worker();
  const tabId = await worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    chrome.commands.onCommand.dispatch('copy-link', tab);
    return tab.id;
  });
  const badge = () => worker.evaluate(async (id) => (
    { text: await chrome.action.getBadgeText({ tabId: id }), title: await chrome.action.getTitle({ tabId: id }) }
  ), tabId);
  // The text and the title are set one after the other: wait for both.
  const got = await poll(async () => {
    const b = await badge();
    return b.text && b.title !== 'Switch AWS environment' && b;
  }, 10_000, 'no badge');
  assert.equal(got.text, '!');
  assert.match(got.title, /^Roleswitch: No link copied: Copy link works on an AWS console page/);
  await poll(async () => (await badge()).text === '', 10_000, 'the badge stayed');
  assert.doesNotMatch((await badge()).title, /No link copied/);
  await closeSoon(page);
});
