// The options page with Identity Center environments (issue 13): the editor's kind choice
// and portal URL (validated live by the core, shown back on edit), the table's kind column,
// and the `aws sso` import, whose preview asks for the access portal URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name) => `${root}/tests/fixtures/formats/${name}`;

let h;
let page;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.locator('#empty').waitFor();
});

after(async () => {
  await h?.close();
});

const row = (name) => page.locator('#envs tbody tr', { hasText: name });
const cells = (name) => row(name).locator('td').allTextContents();

test('the editor: Identity Center asks for the portal URL, checks it live, saves an assignment and shows it back', async () => {
  await page.click('#add');
  assert.equal(await page.isVisible('#portalUrl'), false, 'an assumed role has no portal');
  await page.check('#kind-sso');
  await page.locator('#portalUrl').waitFor();
  assert.equal(await page.textContent('#roleName-label'), 'Permission set');
  await page.fill('#accountId', '7777-8888-9999');
  await page.fill('#roleName', 'Admin_Access');
  await page.fill('#displayName', 'sso-dev');
  // Blank: asked for (the core would read a blank portal as an assumed role).
  await page.click('#save');
  assert.match(await page.textContent('#error-portalUrl'), /Enter the AWS access portal URL/);
  assert.equal(await page.getAttribute('#portalUrl', 'aria-invalid'), 'true');
  // Not https: the core's message, as the user types.
  await page.fill('#portalUrl', 'http://acme.awsapps.com/start');
  await page.locator('#portalUrl').blur();
  await page.locator('#error-portalUrl', { hasText: 'uses http' }).waitFor();
  await page.fill('#portalUrl', 'https://acme.example.com/start');
  await page.locator('#error-portalUrl', { hasText: 'not an AWS access portal host' }).waitFor();
  await page.fill('#portalUrl', 'https://acme.awsapps.com/start');
  await page.locator('#error-portalUrl:empty').waitFor({ state: 'attached' });
  await page.click('#save');
  await row('sso-dev').waitFor();
  const [, name, account, role, kind] = await cells('sso-dev');
  assert.deepEqual([name, account, role, kind], ['sso-dev', '7777-8888-9999', 'Admin_Access', 'Identity Center']);
  assert.equal(await row('sso-dev').locator('td.kind').getAttribute('title'), 'Opened through https://acme.awsapps.com/start');

  // Shown back on edit.
  await page.click('button[aria-label="Edit sso-dev"]');
  assert.equal(await page.isChecked('#kind-sso'), true);
  assert.equal(await page.inputValue('#portalUrl'), 'https://acme.awsapps.com/start');
  assert.equal(await page.inputValue('#roleName'), 'Admin_Access');
  // Turned into an assumed role: the portal goes, the role field is a role again.
  await page.check('#kind-role');
  assert.equal(await page.isVisible('#portalUrl'), false);
  assert.equal(await page.textContent('#roleName-label'), 'Role name');
  await page.click('#save');
  await page.locator('#envs tbody tr td.kind', { hasText: 'Assumed role' }).waitFor();
  assert.deepEqual((await cells('sso-dev')).slice(3, 5), ['Admin_Access', 'Assumed role']);
});

test('importing aws sso output: the preview asks for the access portal, then plans with it', async () => {
  await page.selectOption('#import-format', '');
  await page.setInputFiles('#import-file', fixture('aws-sso.json'));
  await page.locator('#import-errors').waitFor();
  assert.match(await page.textContent('#import-errors'), /opened through your AWS access portal, which this output does not name: give its URL/);
  assert.equal(await page.isVisible('#sso-portal'), true, 'the field to give it is in the preview');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sso-portal');
  assert.equal(await page.isVisible('#import-plan'), false);

  await page.fill('#sso-portal', 'http://acme.awsapps.com/start');
  await page.press('#sso-portal', 'Enter');
  await page.locator('#import-errors', { hasText: 'uses http' }).waitFor();

  await page.fill('#sso-portal', 'https://acme.awsapps.com/start');
  await page.press('#sso-portal', 'Enter');
  await page.locator('#import-plan').waitFor();
  assert.match(await page.textContent('#plan-summary'), /3 added/);
  assert.match(await page.textContent('#import-warnings'), /no permission set is listed for this account/);
  // A permission set for the accounts listed without roles: planned again.
  await page.fill('#sso-set', 'ReadOnlyAccess');
  await page.press('#sso-set', 'Enter');
  await page.locator('#plan-summary', { hasText: '4 added' }).waitFor();
  const planned = await page.locator('#plan-details tr').allTextContents();
  assert.ok(planned.every((r) => r.includes('Identity Center')), planned.join('\n'));
  await page.click('#import-confirm');
  await row('workloads-staging').waitFor();
  assert.deepEqual((await cells('workloads-staging')).slice(2, 5), ['5555-6666-7777', 'ReadOnlyAccess', 'Identity Center']);
  assert.deepEqual((await cells('acme-management')).slice(3, 5), ['AdministratorAccess', 'Identity Center']);
});
