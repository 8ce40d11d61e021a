import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Switcher } from '../../extension/background/switcher.js';
import { environments, fakeApi, loadCore } from './helpers.mjs';

let core;
let list;
before(async () => {
  core = await loadCore();
  list = environments(core, 3);
});

const CONSOLE_TAB = { id: 7, url: 'https://us-east-1.console.aws.amazon.com/console/home' };

test('from an AWS tab, the switch-role page opens in that tab', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const started = await s.start(list, list[1].id, CONSOLE_TAB);
  assert.equal(started.inNewTab, false);
  assert.equal(api.tabs.updated[0].id, 7);
  assert.equal(
    api.tabs.updated[0].url,
    `https://signin.aws.amazon.com/switchrole?account=${list[1].accountId}&roleName=OrganizationAccountAccessRole` +
      `&displayName=${encodeURIComponent(list[1].displayName)}&color=${list[1].color.slice(1)}`,
  );
});

test('from any other tab, it opens in a new tab', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const started = await s.start(list, list[0].id, { id: 3, url: 'https://example.com/' });
  assert.equal(started.inNewTab, true);
  assert.equal(api.tabs.created.length, 1);
  assert.equal(api.tabs.updated.length, 0);
});

test('form values go only to the tab and switch-role URL the switch was started for, once', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const { url } = await s.start(list, list[2].id, CONSOLE_TAB);
  assert.equal(await s.takeFill({ id: 8 }, url), null, 'another tab');
  assert.equal(await s.takeFill(CONSOLE_TAB, url.replace(list[2].accountId, '999999999999')), null, 'another account');
  assert.equal(await s.takeFill(CONSOLE_TAB, url.replace('signin.aws.amazon.com', 'evil.example')), null, 'another host');
  const fill = await s.takeFill(CONSOLE_TAB, url);
  assert.deepEqual(
    { account: fill.account, roleName: fill.roleName, displayName: fill.displayName },
    { account: list[2].accountId, roleName: 'OrganizationAccountAccessRole', displayName: list[2].displayName },
  );
  assert.equal(await s.takeFill(CONSOLE_TAB, url), null, 'only once');
});

test('a switch-role page opened long after the switch is not filled', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const { url } = await s.start(list, list[0].id, CONSOLE_TAB);
  const k = `pendingSwitch:${CONSOLE_TAB.id}`;
  api.storage.session.items[k].expires = Date.now() - 1;
  assert.equal(await s.takeFill(CONSOLE_TAB, url), null);
});

test('an unknown environment id is an error, and opens nothing', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  await assert.rejects(s.start(list, 'nope', CONSOLE_TAB), /no environment with id "nope"/);
  assert.equal(api.tabs.updated.length + api.tabs.created.length, 0);
});
