// A console link whose host names an account (`<account>-<suffix>.<region>.console…`) opened
// in a browser that has no session there (issue 13): the banner says so and offers the
// account's environment (one click: the switch-role page, or the access portal's shortcut);
// with the setting "open at once" the environment is opened without the click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { closeSoon, launch, poll } from './harness.mjs';
import { centreOf, inBanner, waitForBanner } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENVS = [
  { displayName: 'test', accountId: '111122223333', roleName: 'Deployer', region: 'eu-west-1' },
  { displayName: 'staging', accountId: '121200003434', roleName: 'Deployer', base: { accountId: '999988887777', roleName: 'Admin' } },
  { displayName: 'sso-dev', accountId: '777788889999', roleName: 'Read_Only', region: 'us-east-1', portalUrl: 'https://acme.awsapps.com/start' },
];
const TEST_URL = 'https://111122223333-abcd1234.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:';
const SSO_URL = 'https://777788889999-sso11111.us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1';

let h;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  await h.saveEnvironments(ENVS);
});

after(async () => {
  await h?.close();
});

/** A console page of `url` as AWS shows it to a browser without that session. */
async function openWithoutSession(url) {
  h.aws.reset();
  h.aws.consoleVariant = 'nosession';
  return h.openConsole(url);
}

const offersIn = (page) => inBanner(page, (r) => [...r.querySelectorAll('.offers button')].map((b) => b.textContent));

/** Turns the setting "open at once" on or off on the options page; resolves once saved. */
async function setOpenAutomatically(on) {
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.waitForFunction(() => document.getElementById('settings-status') && document.getElementById('setting-openSessionlessAutomatically'));
  await page.waitForFunction(() => document.getElementById('setting-enterAction')?.value);
  await page.setChecked('#setting-openSessionlessAutomatically', on);
  await page.waitForFunction(() => document.getElementById('settings-status').textContent === 'Saved.');
  await page.close();
}

test('no session in the account the link names: the banner says so instead of naming the environment, and one click opens it through the switch-role page', async () => {
  const page = await openWithoutSession(TEST_URL);
  // (At once the page's own words; the core's, with the environment's name, when the worker answers.)
  const banner = await waitForBanner(page, (b) => b.summary === 'No session of test (1111-2222-3333) is open in this browser.');
  assert.equal(banner.level, 'unknown', 'not the environment’s banner: the page is not in it');
  assert.deepEqual(await offersIn(page), ['open test']);
  assert.equal(h.aws.requests.length, 0, 'nothing opened before the click');

  const at = await centreOf(page, '.offers button');
  await page.mouse.click(at.x, at.y);
  const form = await h.aws.waitForRequest((r) => r.method === 'GET' && r.path === '/switchrole');
  assert.equal(form.query.account, '111122223333');
  assert.equal(form.query.roleName, 'Deployer');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.form.account ?? post.form.accountId, '111122223333');
  assert.equal(post.form.roleName, 'Deployer');
  await closeSoon(page);
});

test('a live session of the base account in another tab: the switch is made from it (multi-session), in a new tab', async () => {
  h.aws.reset();
  h.aws.consoleVariant = 'multisession';
  h.aws.identity = { accountId: '999988887777', roleName: 'Admin', sessionName: 'alice', region: 'us-east-1' };
  const base = await h.openConsole('https://999988887777-efgh5678.us-east-1.console.aws.amazon.com/console/home?region=us-east-1');
  h.aws.consoleVariant = 'nosession';
  const page = await h.openConsole('https://121200003434-0000aaaa.us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1');
  await waitForBanner(page, (b) => b.summary === 'No session of staging (1212-0000-3434) is open in this browser.');
  const at = await centreOf(page, '.offers button');
  await page.mouse.click(at.x, at.y);
  const post = await h.aws.waitForRequest((r) => r.method === 'POST');
  assert.equal(post.url, 'https://signin.aws.amazon.com/sessions/efgh5678/v1/switchrole');
  assert.equal(post.json.account, '121200003434');
  assert.equal(post.json.roleName, 'Deployer');
  const opened = await poll(() => h.context.pages().find((p) => /^https:\/\/121200003434-s\d+\./.test(p.url())), 10_000,
    'the new session did not open');
  await closeSoon(opened);
  await closeSoon(page);
  await closeSoon(base);
});

test('an Identity Center environment is opened through its access portal, to this page without the session prefix', async () => {
  const page = await openWithoutSession(SSO_URL);
  await waitForBanner(page, (b) => b.summary === 'No session of sso-dev (7777-8888-9999) is open in this browser.');
  assert.deepEqual(await offersIn(page), ['open sso-dev']);
  const at = await centreOf(page, '.offers button');
  await page.mouse.click(at.x, at.y);
  await poll(() => page.url().startsWith('https://acme.awsapps.com/start'), 10_000, 'the portal did not open');
  const route = new URL(page.url().replace('#/console?', '?'));
  assert.equal(route.searchParams.get('account_id'), '777788889999');
  assert.equal(route.searchParams.get('role_name'), 'Read_Only');
  assert.equal(route.searchParams.get('destination'), 'https://us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1');
  await closeSoon(page);
});

test('a page that has its session is not offered anything, even when only its late-drawn header tells the account', async () => {
  for (const variant of ['multisession', 'navlate']) {
    h.aws.reset();
    h.aws.consoleVariant = variant;
    h.aws.identity = { accountId: '111122223333', roleName: 'Deployer', sessionName: 'alice', region: 'us-east-1' };
    const page = await h.openConsole(TEST_URL);
    await waitForBanner(page, (b) => b.name === 'test');
    await new Promise((r) => setTimeout(r, 1500)); // past the moment a page without a session is told
    const banner = await waitForBanner(page);
    assert.equal(banner.name, 'test', variant);
    assert.equal(banner.level, 'normal', variant);
    assert.deepEqual(await offersIn(page), [], variant);
    await closeSoon(page);
  }
});

test('with "open at once" on, the environment of the account is opened without a click; an account not in the list is only said', async () => {
  await setOpenAutomatically(true);
  try {
    const page = await openWithoutSession(TEST_URL);
    const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
    assert.equal(post.form.account ?? post.form.accountId, '111122223333');
    assert.equal(post.form.roleName, 'Deployer');
    await closeSoon(page);

    const other = await openWithoutSession('https://121212121212-ffff0000.us-east-1.console.aws.amazon.com/console/home');
    await waitForBanner(other, (b) => /1212-1212-1212 is open in this browser, and it is not in your list/.test(b.summary));
    assert.deepEqual(await offersIn(other), []);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.aws.requests.length, 0, 'nothing opened');
    await closeSoon(other);
  } finally {
    await setOpenAutomatically(false);
  }
});
