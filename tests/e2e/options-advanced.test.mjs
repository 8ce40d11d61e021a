// The options editor's "Advanced" section: partition, base account and the
// environment's own tab title prefix, validated by the core as the user types
// and shown again when the entry is edited. dist/chrome in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

let h;
let options;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await options.locator('#empty').waitFor();
});

after(async () => {
  await h?.close();
});

/** What the editor shows in the Advanced section. */
const advanced = () => options.evaluate(() => {
  const $ = (id) => document.getElementById(id);
  return {
    open: $('advanced').open,
    partition: $('partition').value,
    baseAccountId: $('baseAccountId').value,
    baseAlias: $('baseAlias').value,
    baseRole: $('baseRole').value,
    titlePrefix: $('titlePrefix').value,
    noTitlePrefix: $('noTitlePrefix').checked,
  };
});

/** The stored entry named `name`, as the background has it. */
async function stored(name) {
  const { environments } = await options.evaluate(() => globalThis.RS.protocol.send('page-bg-get-list', {}));
  return environments.find((e) => e.displayName === name);
}

test('a GovCloud environment with a base account and a tab title prefix, added through the form and edited', async () => {
  await options.click('#add');
  assert.equal(await options.isVisible('#partition'), false, 'the Advanced section starts closed');
  await options.fill('#accountId', '1111-2222-3333');
  await options.fill('#displayName', 'gov-dev');
  await options.click('#advanced summary');
  await options.selectOption('#partition', 'aws-us-gov');
  await options.fill('#baseAccountId', '9999-8888-7777');
  await options.fill('#baseAlias', 'acme-gov');
  await options.fill('#baseRole', 'Ops');
  await options.fill('#titlePrefix', '[GOV]');
  await options.click('#save');
  await options.locator('#envs tbody tr:has-text("gov-dev")').waitFor();

  const env = await stored('gov-dev');
  assert.equal(env.partition, 'aws-us-gov');
  assert.deepEqual(env.base, { accountId: '999988887777', alias: 'acme-gov', roleName: 'Ops' });
  assert.equal(env.titlePrefix, '[GOV]');

  // Editing shows every value again, with the section open.
  await options.click('button[aria-label="Edit gov-dev"]');
  assert.deepEqual(await advanced(), {
    open: true, partition: 'aws-us-gov', baseAccountId: '999988887777', baseAlias: 'acme-gov',
    baseRole: 'Ops', titlePrefix: '[GOV]', noTitlePrefix: false,
  });
  // Change them: no alias, another role, no title prefix at all.
  await options.fill('#baseAlias', '');
  await options.fill('#baseRole', 'team/Admin');
  await options.setChecked('#noTitlePrefix', true);
  assert.equal(await options.isDisabled('#titlePrefix'), true);
  await options.click('#save');
  await options.locator('#editor').waitFor({ state: 'hidden' });
  const edited = await stored('gov-dev');
  assert.deepEqual(edited.base, { accountId: '999988887777', roleName: 'team/Admin' });
  assert.equal(edited.titlePrefix, '', 'empty: no prefix');
  assert.equal(edited.partition, 'aws-us-gov');

  await options.click('button[aria-label="Edit gov-dev"]');
  const shown = await advanced();
  assert.equal(shown.noTitlePrefix, true);
  assert.equal(shown.titlePrefix, '');
  assert.equal(shown.baseRole, 'team/Admin');
  // Back to the settings' template: untick, leave the field empty.
  await options.setChecked('#noTitlePrefix', false);
  await options.click('#save');
  await options.locator('#editor').waitFor({ state: 'hidden' });
  assert.equal('titlePrefix' in (await stored('gov-dev')), false, 'absent: the settings’ template');

  // A plain environment opens the editor with the section closed and empty.
  await options.click('#add');
  assert.deepEqual(await advanced(), {
    open: false, partition: '', baseAccountId: '', baseAlias: '', baseRole: '', titlePrefix: '', noTitlePrefix: false,
  });
  await options.click('#cancel');
});

test('advanced fields are validated live by the core, with the message next to the field, and nothing is saved', async () => {
  await options.click('#add');
  await options.fill('#accountId', '4444-5555-6666');
  await options.fill('#displayName', 'bad');
  await options.click('#advanced summary');
  await options.fill('#baseAlias', 'Acme Corp');
  await options.locator('#baseAlias').blur();
  await options.waitForFunction(() => document.getElementById('error-base').textContent !== '');
  assert.equal(await options.textContent('#error-base'),
    'Base account alias "Acme Corp" is not an account alias: 3 to 63 lower-case letters, digits and -.');
  assert.equal(await options.getAttribute('#baseAlias', 'aria-invalid'), 'true');
  // Fixed as the user types.
  await options.fill('#baseAlias', 'acme-corp');
  await options.waitForFunction(() => document.getElementById('error-base').textContent === '');

  await options.fill('#region', 'eu-west-1');
  await options.selectOption('#partition', 'aws-cn');
  await options.waitForFunction(() => document.getElementById('error-partition').textContent !== '');
  assert.match(await options.textContent('#error-partition'), /^Region eu-west-1 is in partition aws, not aws-cn/);

  await options.fill('#titlePrefix', 'x'.repeat(16));
  await options.locator('#titlePrefix').blur();
  assert.equal(await options.textContent('#error-titlePrefix'), '', '16 characters are fine');
  await options.evaluate(() => {
    // maxlength only stops typing; a longer value can still arrive (e.g. by script).
    document.getElementById('titlePrefix').value = 'seventeen chars!!';
    document.getElementById('titlePrefix').dispatchEvent(new Event('input'));
  });
  await options.waitForFunction(() => document.getElementById('error-titlePrefix').textContent !== '');
  assert.match(await options.textContent('#error-titlePrefix'), /is 17 characters long; keep it to 16/);

  await options.click('#save');
  assert.equal(await options.isVisible('#editor'), true, 'the form stays open');
  assert.equal(await stored('bad'), undefined, 'nothing was saved');
  await options.click('#cancel');
});
