// Session-aware switching in multi-session consoles (issue 13): an environment whose session
// is open in a tab (its host `<account>-<suffix>.…console…`) is gone to, not switched into
// again; Shift+Enter opens a new session alongside, the current one kept.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { closeSoon, launch, poll } from './harness.mjs';
import { waitForBanner } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MGMT = { accountId: '999988887777', roleName: 'Admin', sessionName: 'alice', region: 'us-east-1', sessionDifferentiator: 'efgh5678' };
const TEST = { accountId: '111122223333', roleName: 'OrganizationAccountAccessRole', sessionName: 'alice', region: 'us-east-1' };
const ENVS = [
  { displayName: 'test', accountId: '111122223333', base: { accountId: '999988887777', roleName: 'Admin' } },
  { displayName: 'mgmt', accountId: '999988887777', roleName: 'Admin' },
  { displayName: 'sandbox', accountId: '121212121212', base: { accountId: '999988887777', roleName: 'Admin' } },
  { displayName: 'sso-dev', accountId: '777788889999', roleName: 'Read_Only', region: 'us-east-1', portalUrl: 'https://acme.awsapps.com/start' },
];
const SSO = {
  accountId: '777788889999', roleName: 'AWSReservedSSO_Read_Only_0123456789abcdef', sessionName: 'dana@example.com',
  region: 'us-east-1', sessionDifferentiator: 'sso11111',
};

let h;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  await h.saveEnvironments(ENVS);
});

after(async () => {
  await h?.close();
});

// A failed test leaves its session tabs open: close them, so that the next test counts its own.
afterEach(async () => {
  for (const page of h.context.pages()) {
    if (/\.console\.aws\.amazon\.com$/.test(new URL(page.url()).hostname)) await page.close().catch(() => {});
  }
});


/** Two multi-session tabs: `test`'s session, then the management account's (in front). */
async function twoSessions() {
  h.aws.reset();
  h.aws.identity = { ...TEST };
  const testTab = await h.openConsole('https://111122223333-abcd1234.us-east-1.console.aws.amazon.com/console/home?region=us-east-1');
  await waitForBanner(testTab, (b) => b.name === 'test');
  h.aws.identity = { ...MGMT };
  const mgmtTab = await h.openConsole('https://999988887777-efgh5678.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  await waitForBanner(mgmtTab, (b) => b.name === 'mgmt');
  await mgmtTab.bringToFront();
  return { testTab, mgmtTab };
}

async function choose(tab, query, key) {
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
  await popup.type(query);
  await popup.waitFor(`document.querySelector('#list .name')?.textContent === ${JSON.stringify(query)}`);
  await popup.press(key);
  return popup;
}

test('Enter on an environment whose session is open in another tab goes to that tab; nothing is switched', async () => {
  const { testTab, mgmtTab } = await twoSessions();
  assert.match(await h.activeUrl(), /^https:\/\/999988887777-efgh5678\./);
  const popup = await choose(mgmtTab, 'test', 'Enter');
  await poll(async () => (await h.activeUrl())?.startsWith('https://111122223333-abcd1234.'), 10_000, 'the test session’s tab did not come to the front');
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'no switch request');
  assert.equal(h.context.pages().filter((p) => p.url().includes('111122223333-')).length, 1, 'no new session tab');
  await closeSoon(popup);
  await testTab.close();
  await mgmtTab.close();
});

test('Shift+Enter opens a new session alongside: the multi-session switch from the current session, in a new tab', async () => {
  const { testTab, mgmtTab } = await twoSessions();
  const popup = await choose(mgmtTab, 'test', 'Shift+Enter');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(post.url, 'https://signin.aws.amazon.com/sessions/efgh5678/v1/switchrole');
  assert.equal(post.json.account, '111122223333');
  const opened = await poll(() => h.context.pages().find((p) => /^https:\/\/111122223333-s\d+\./.test(p.url())), 10_000,
    'the new session did not open');
  assert.ok(mgmtTab.url().startsWith('https://999988887777-efgh5678.'), 'the current session’s tab is kept');
  await closeSoon(popup);
  await opened.close();
  await testTab.close();
  await mgmtTab.close();
});

test('Enter on an Identity Center environment whose portal session is open in another tab goes to that tab; the portal is not opened', async () => {
  h.aws.reset();
  h.aws.identity = { ...SSO };
  const ssoTab = await h.openConsole('https://777788889999-sso11111.us-east-1.console.aws.amazon.com/console/home?region=us-east-1');
  await waitForBanner(ssoTab, (b) => b.name === 'sso-dev');
  h.aws.identity = { ...MGMT };
  const mgmtTab = await h.openConsole('https://999988887777-efgh5678.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  await waitForBanner(mgmtTab, (b) => b.name === 'mgmt');
  await mgmtTab.bringToFront();
  const popup = await choose(mgmtTab, 'sso-dev', 'Enter');
  await poll(async () => (await h.activeUrl())?.startsWith('https://777788889999-sso11111.'), 10_000,
    'the Identity Center session’s tab did not come to the front');
  assert.equal(h.context.pages().filter((p) => p.url().includes('awsapps.com')).length, 0, 'the portal was not opened');
  await closeSoon(popup);
  await ssoTab.close();
  await mgmtTab.close();
});

/** Picks what Enter does in a multi-session console on the options page; resolves once saved. */
async function setEnterAction(value) {
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.waitForFunction(() => document.getElementById('setting-enterAction')?.value);
  await page.selectOption('#setting-enterAction', value);
  await page.waitForFunction(() => document.getElementById('settings-status').textContent === 'Saved.');
  await page.close();
}

test('the setting "Enter opens alongside": Enter opens a new session, Shift+Enter goes to the open one, and the help line says so', async () => {
  await setEnterAction('openAlongside');
  try {
    const { testTab, mgmtTab } = await twoSessions();
    const popup = await h.openPopup(mgmtTab);
    await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
    const help = await popup.evaluate(() => document.getElementById('help').textContent);
    assert.match(help, /Enter open alongside · Shift\+Enter switch ·/);
    await popup.type('test');
    await popup.waitFor(`document.querySelector('#list .name')?.textContent === 'test'`);
    await popup.press('Enter');
    const post = await h.aws.waitForRequest((r) => r.method === 'POST').catch(async (error) => {
      error.message += `\n  popup state: ${await popup.state().catch(() => 'closed')}`;
      throw error;
    });
    assert.equal(post.url, 'https://signin.aws.amazon.com/sessions/efgh5678/v1/switchrole');
    const opened = await poll(() => h.context.pages().find((p) => /^https:\/\/111122223333-s\d+\./.test(p.url())), 10_000,
      'the new session did not open');
    await closeSoon(popup);
    await opened.close();
    await mgmtTab.bringToFront();
    h.aws.reset();
    const again = await choose(mgmtTab, 'test', 'Shift+Enter');
    await poll(async () => (await h.activeUrl())?.startsWith('https://111122223333-abcd1234.'), 10_000,
      'Shift+Enter did not go to the open session');
    assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'no switch request');
    await closeSoon(again);
    await testTab.close();
    await mgmtTab.close();
  } finally {
    await setEnterAction('switchHere');
  }
});

/** Five multi-session tabs (five sessions: the console's most), the management account's in front. */
async function fiveSessions() {
  const { testTab, mgmtTab } = await twoSessions();
  const tabs = [testTab];
  const more = [
    [{ ...SSO }, 'https://777788889999-sso11111.us-east-1.console.aws.amazon.com/console/home?region=us-east-1'],
    [{ accountId: '555566667777', roleName: 'Dev', sessionName: 'alice', region: 'us-east-1' },
      'https://555566667777-s5555555.us-east-1.console.aws.amazon.com/console/home?region=us-east-1'],
    [{ accountId: '444455556666', roleName: 'Dev', sessionName: 'alice', region: 'us-east-1' },
      'https://444455556666-s4444444.us-east-1.console.aws.amazon.com/console/home?region=us-east-1'],
  ];
  for (const [identity, url] of more) {
    h.aws.identity = identity;
    const tab = await h.openConsole(url);
    await waitForBanner(tab, (b) => b.name !== '' || b.level === 'unknown');
    tabs.push(tab);
  }
  // A second tab of the management account's session: still five sessions.
  h.aws.identity = { ...MGMT };
  const twin = await h.openConsole('https://999988887777-efgh5678.us-east-1.console.aws.amazon.com/s3/home?region=us-east-1');
  await waitForBanner(twin, (b) => b.name === 'mgmt');
  tabs.push(twin);
  await mgmtTab.bringToFront();
  h.aws.reset();
  return { mgmtTab, tabs: [...tabs, mgmtTab] };
}

const offersIn = (popup) => popup.evaluate(() => [...document.querySelectorAll('#session-offers li')].map((li) => li.textContent));

test('before a sixth session: the popup says the console holds five and goes to the open session of that account, or the one picked', async () => {
  const { mgmtTab, tabs } = await fiveSessions();
  let popup = await choose(mgmtTab, 'test', 'Shift+Enter');
  await popup.waitFor(`!document.getElementById('confirm').hidden && document.querySelectorAll('#session-offers li').length === 5`);
  const text = await popup.evaluate(() => document.getElementById('confirm').textContent);
  assert.match(text, /The console holds five sessions per browser and five are open/);
  const offers = await offersIn(popup);
  assert.equal(offers.filter((o) => o.endsWith('(Enter)')).length, 1);
  assert.match(offers.find((o) => o.endsWith('(Enter)')), /1111-2222-3333/);
  assert.ok(offers.some((o) => o.includes('7777-8888-9999 · Read_Only')), offers.join(' | '));
  await popup.press('Enter');
  await poll(async () => (await h.activeUrl())?.startsWith('https://111122223333-abcd1234.'), 10_000,
    'Enter did not go to the session of that account');
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'no sixth session asked for');
  assert.equal(h.context.pages().filter((p) => p.url().includes('111122223333-')).length, 1, 'no new session tab');
  await closeSoon(popup);

  // An account without a session: nothing to suggest; the user picks one with a digit.
  await mgmtTab.bringToFront();
  popup = await choose(mgmtTab, 'sandbox', 'Shift+Enter');
  await popup.waitFor(`document.querySelectorAll('#session-offers li').length === 5`);
  const second = await offersIn(popup);
  assert.equal(second.filter((o) => o.endsWith('(Enter)')).length, 0);
  const at = second.findIndex((o) => o.includes('5555-6666-7777'));
  assert.ok(at >= 0, second.join(' | '));
  await popup.press('Enter'); // nothing to take: the offer stays
  await popup.press(String(at + 1));
  await poll(async () => (await h.activeUrl())?.startsWith('https://555566667777-s5555555.'), 10_000,
    'the digit did not go to the picked session');
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'no sixth session asked for');
  await closeSoon(popup);
  for (const tab of tabs) await tab.close();
});
