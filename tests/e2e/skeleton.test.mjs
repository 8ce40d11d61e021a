// The walking skeleton, driven the way a person uses it: the built dist/chrome
// in headless Chromium, AWS served from fixtures at the real AWS URLs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { inBanner, waitForBanner } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HOSTILE = '<img src=x onerror=alert(1)>';
const MANAGING = { accountId: '999988887777', roleName: null, sessionName: 'alice', alias: 'acme-mgmt', region: 'us-east-1' };

let h;
let options;
const dialogs = [];

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  h.context.on('page', (page) => page.on('dialog', (d) => dialogs.push(d.message()) && d.dismiss()));
  options = await h.context.newPage();
  options.on('dialog', (d) => dialogs.push(d.message()) && d.dismiss());
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
});

after(async () => {
  await h?.close();
});

/** Fills the options form and saves; resolves once the row is listed. */
async function addEnvironment(fields) {
  await options.click('#add');
  for (const [id, value] of Object.entries(fields)) {
    if (id === 'production') await options.setChecked('#production', value);
    else await options.fill(`#${id}`, value);
  }
  await options.click('#save');
}

async function bannerOf(page) {
  // Not the neutral strip an account outside the list gets (the page before a switch).
  await waitForBanner(page, (b) => b.level !== 'unknown');
  return inBanner(page, (root) => {
    const bar = root.querySelector('.bar');
    const style = getComputedStyle(bar);
    const header = document.querySelector('header, #awsc-navigation-container');
    return {
      label: root.querySelector('.label').textContent,
      name: root.querySelector('.name').textContent,
      meta: root.querySelector('.meta').textContent,
      hasImg: root.querySelector('img') !== null,
      level: bar.classList.contains('production') ? 'production' : 'normal',
      background: style.backgroundColor,
      backgroundImage: style.backgroundImage,
      color: style.color,
      bannerBottom: bar.getBoundingClientRect().bottom,
      headerTop: header?.getBoundingClientRect().top ?? null,
    };
  });
}

test('first run: the options page offers add, import and the example list', async () => {
  await options.locator('#empty').waitFor();
  assert.equal(await options.isVisible('#empty-add'), true);
  assert.equal(await options.isVisible('#empty-import'), true);
  assert.equal(await options.isVisible('#empty-example'), true);
});

test('first run: the popup offers the same, and the example list works from it', async () => {
  h.aws.identity = { ...MANAGING };
  const tab = await h.openConsole();
  const popup = await h.openPopup(tab);
  await popup.waitFor(`!document.getElementById('empty').hidden`);
  const buttons = await popup.evaluate(() => [...document.querySelectorAll('#empty button')].map((b) => b.textContent));
  assert.deepEqual(buttons, ['Add environment', 'Import', 'Load example list']);
  await popup.evaluate(() => document.getElementById('example').click());
  await popup.waitFor(`document.querySelectorAll('#list li').length === 2`);
  const names = await popup.evaluate(() => [...document.querySelectorAll('#list .name')].map((n) => n.textContent));
  assert.deepEqual(names, ['test', 'prod']);
  await popup.close();
  // Back to an empty list for the rest of the tests, through the options page.
  await options.reload();
  for (const name of ['test', 'prod']) {
    await options.click(`button[aria-label="Delete ${name}"]`);
    await options.locator(`#envs tr:has-text("${name}")`).waitFor({ state: 'detached' });
  }
  await options.locator('#empty').waitFor();
  await tab.close();
});

test('options page: every field is validated by the core, and an invalid entry is never saved', async () => {
  await addEnvironment({ accountId: '1111-2222-333', displayName: 'x', color: 'red;background:url(x)', region: 'mars-1' });
  assert.equal(await options.textContent('#error-accountId'), 'Account ID "1111-2222-333" must be 12 digits; it has 11.');
  assert.match(await options.textContent('#error-color'), /is not a color: use #rrggbb/);
  assert.match(await options.textContent('#error-region'), /not an AWS region code/);
  await options.fill('#roleName', 'a'.repeat(65));
  await options.click('#save');
  assert.match(await options.textContent('#error-roleName'), /at most 64/);
  assert.equal(await options.isVisible('#editor'), true, 'the form stays open');
  assert.equal(await options.locator('#envs tbody tr').count(), 0, 'nothing was saved');
  // Fixing the fields clears their messages and saves.
  await options.fill('#accountId', '1111-2222-3333');
  await options.fill('#roleName', '');
  await options.fill('#displayName', HOSTILE);
  await options.fill('#color', 'green');
  await options.fill('#region', '');
  await options.click('#save');
  await options.locator('#envs tbody tr').first().waitFor();
  // The row can be drawn (the list's storage change) a moment before the save's answer closes
  // the form: the form closes.
  await options.locator('#editor').waitFor({ state: 'hidden', timeout: 5000 });
  assert.equal(await options.isVisible('#editor'), false);
});

test('options page: add a production environment, edit one, and an undoable delete', async () => {
  await addEnvironment({ accountId: '444455556666', displayName: 'prod', color: '#d0021b', production: true });
  await options.locator('#envs tbody tr:has-text("prod")').waitFor();
  await addEnvironment({ accountId: '555566667777', roleName: 'team/Developer', displayName: 'sandbox' });
  await options.locator('#envs tbody tr:has-text("sandbox")').waitFor();
  // Adding the same account and role twice is refused with a message.
  await addEnvironment({ accountId: '555566667777', roleName: 'team/developer', displayName: 'again' });
  await options.waitForFunction(() => document.getElementById('error-accountId').textContent !== '');
  assert.match(await options.textContent('#error-accountId'), /already in the list as "sandbox"/);
  await options.click('#cancel');
  // Edit: rename sandbox.
  await options.click('button[aria-label="Edit sandbox"]');
  assert.equal(await options.inputValue('#roleName'), 'team/Developer');
  await options.fill('#displayName', 'sandbox-2');
  await options.click('#save');
  await options.locator('#envs tbody tr:has-text("sandbox-2")').waitFor();
  // Delete and undo.
  await options.click('button[aria-label="Delete sandbox-2"]');
  await options.locator('#envs tbody tr:has-text("sandbox-2")').waitFor({ state: 'detached' });
  await options.click('#toast-undo');
  await options.locator('#envs tbody tr:has-text("sandbox-2")').waitFor();

  const rows = await options.locator('#envs tbody tr').allTextContents();
  assert.equal(rows.length, 3);
  assert.ok(rows[0].includes(HOSTILE), 'the display name is shown as text');
  assert.ok(rows[0].includes('1111-2222-3333') && rows[0].includes('OrganizationAccountAccessRole'));
  assert.ok(rows[1].includes('PROD'));
  assert.equal(await options.locator('#envs img').count(), 0, 'no element was made from the name');
});

test('popup: filter, arrows, Enter switches from the console in one step; banner shows the environment', async () => {
  h.aws.identity = { ...MANAGING };
  h.aws.switchRoleVariant = 'legacy';
  h.aws.requests.length = 0;
  const tab = await h.openConsole();
  // An account not in the list gets only the neutral "not in your list" strip.
  await waitForBanner(tab, (b) => b.level === 'unknown');

  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length === 3`);
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'filter', 'the filter box is focused on open');
  await popup.type('prod');
  await popup.waitFor(`document.querySelectorAll('#list li').length === 1`);
  assert.equal(await popup.evaluate(() => document.querySelector('#list .name').textContent), 'prod');
  for (let i = 0; i < 4; i++) await popup.press('Backspace');
  await popup.waitFor(`document.querySelectorAll('#list li').length === 3`);
  await popup.press('ArrowDown');
  await popup.press('ArrowDown');
  await popup.press('ArrowUp');
  const selected = await popup.evaluate(() => document.querySelector('[aria-selected="true"] .name').textContent);
  assert.equal(selected, 'prod');
  await popup.press('ArrowUp');
  await popup.press('Enter');
  await popup.closed();

  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.host, 'signin.aws.amazon.com');
  assert.equal(post.form.account, '111122223333');
  assert.equal(post.form.roleName, 'OrganizationAccountAccessRole');
  assert.equal(post.form.displayName, HOSTILE);
  assert.equal(post.form.color, 'b7ca9d');
  assert.ok(post.form.csrf, 'the page’s own CSRF field went along');

  // The same tab lands on the console of the new account, with its banner.
  await tab.waitForURL(/console\.aws\.amazon\.com/);
  const banner = await bannerOf(tab);
  assert.equal(banner.name, HOSTILE);
  assert.equal(banner.hasImg, false);
  assert.equal(banner.meta, '1111-2222-3333 · OrganizationAccountAccessRole');
  assert.equal(banner.level, 'normal');
  assert.equal(banner.label, '');
  assert.equal(banner.background, 'rgb(183, 202, 157)'); // #b7ca9d
  assert.equal(banner.color, 'rgb(22, 25, 31)'); // dark text on a light color
  assert.ok(banner.headerTop >= banner.bannerBottom - 0.5, `the AWS header (${banner.headerTop}) is below the banner (${banner.bannerBottom})`);
  await tab.close();
});

test('the 2024 switch-role form is filled too, and production gets the warning banner', async () => {
  h.aws.identity = { ...MANAGING };
  h.aws.switchRoleVariant = '2024';
  h.aws.requests.length = 0;
  // No CSRF token on the console: the switch goes through the switch-role page.
  const tab = await h.openConsole({ variant: 'nocsrf' });
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length === 3`);
  await popup.type('prod');
  await popup.waitFor(`document.querySelectorAll('#list li').length === 1`);
  await popup.press('Enter');
  await popup.waitFor(`!document.getElementById('confirm').hidden`);
  await popup.press('Enter'); // production asks for a second Enter
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.form.accountId, '444455556666');
  assert.equal(post.form.account, undefined, 'the 2024 form has no "account" field');
  assert.equal(post.form.roleName, 'OrganizationAccountAccessRole');
  assert.equal(post.form.displayName, 'prod');
  assert.equal(post.form.color, 'f2b0a9', 'nearest AWS color to #d0021b');
  await tab.waitForURL(/console\.aws\.amazon\.com/);
  const banner = await bannerOf(tab);
  assert.equal(banner.level, 'production');
  assert.equal(banner.label, 'PRODUCTION');
  assert.equal(banner.name, 'prod');
  assert.equal(banner.background, 'rgb(208, 2, 27)');
  assert.equal(banner.color, 'rgb(255, 255, 255)', 'light text on a dark red');
  assert.match(banner.backgroundImage, /repeating-linear-gradient/, 'stripes, not only a color');
  await tab.close();
});

test('a switch-role form with a missing field is not submitted, and the page says why', async () => {
  h.aws.identity = { ...MANAGING };
  h.aws.switchRoleVariant = 'broken';
  h.aws.requests.length = 0;
  const tab = await h.openConsole({ variant: 'nocsrf' });
  const popup = await h.openPopup(tab);
  await popup.waitFor(`document.querySelectorAll('#list li').length === 3`);
  await popup.type('sandbox');
  await popup.waitFor(`document.querySelectorAll('#list li').length === 1`);
  await popup.press('Enter');
  await tab.waitForURL(/signin\.aws\.amazon\.com\/switchrole/);
  const notice = tab.locator('roleswitch-notice');
  await notice.waitFor({ state: 'attached' });
  const message = await notice.getAttribute('data-message');
  assert.match(message, /could not find the role name field/);
  assert.match(message, /account 555566667777, role team\/Developer, display name sandbox-2/);
  // The page stays usable: its own fields are still there to type into.
  await tab.fill('input[name="account"], input[name="accountId"]', '555566667777');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'nothing was submitted');
  await tab.close();
});

test('a switch-role page the user opens by themselves is left alone', async () => {
  h.aws.switchRoleVariant = 'legacy';
  h.aws.requests.length = 0;
  const tab = await h.context.newPage();
  await tab.goto('https://signin.aws.amazon.com/switchrole?account=111122223333&roleName=OrganizationAccountAccessRole');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await tab.inputValue('#account'), '', 'not filled');
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'not submitted');
  await tab.close();
});

test('the banner comes back when the console rebuilds its DOM, and on the classic console', async () => {
  h.aws.identity = { ...MANAGING, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' };
  const tab = await h.openConsole({ variant: 'rerender' });
  await bannerOf(tab);
  await tab.evaluate(() => document.querySelector('roleswitch-banner').remove());
  await tab.waitForTimeout(1200); // the fixture rebuilds its body at 300 and 800 ms
  const banner = await bannerOf(tab);
  assert.equal(banner.name, 'prod');
  assert.equal(await tab.locator('roleswitch-banner').count(), 1, 'exactly one banner');
  await tab.close();

  h.aws.identity = { ...MANAGING, accountId: '555566667777', roleName: 'Developer' };
  const classic = await h.openConsole({ variant: 'classic' });
  assert.equal((await bannerOf(classic)).name, 'sandbox-2');
  await classic.close();
});

test('no dialog was ever opened by a display name', () => {
  assert.deepEqual(dialogs, []);
});
