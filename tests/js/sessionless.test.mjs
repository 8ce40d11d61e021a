// The worker's side of a console page without a session (background/sessionless.js): the
// core's offer for the sender's URL, opened at once only with the setting and only once per tab.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Sessionless } from '../../extension/background/sessionless.js';
import { Sessions } from '../../extension/background/sessions.js';
import { Switcher } from '../../extension/background/switcher.js';
import { fakeApi, loadCore } from './helpers.mjs';

let core;
let list;
before(async () => {
  core = await loadCore();
  list = [
    core.validateEnvironment({ accountId: '111122223333', roleName: 'Deployer', displayName: 'test' }, 'test').environment,
    core.validateEnvironment({ accountId: '444455556666', roleName: 'Admin', displayName: 'prod-a' }, 'prod-a').environment,
    core.validateEnvironment({ accountId: '444455556666', roleName: 'ReadOnly', displayName: 'prod-r' }, 'prod-r').environment,
  ];
});

const TAB = { id: 5, url: 'https://111122223333-abcd1234.us-east-1.console.aws.amazon.com/ec2/home' };

function make(openAutomatically) {
  const api = fakeApi();
  api.tabs.query = async () => [TAB];
  const sessions = new Sessions(api, core);
  const switcher = new Switcher(api, core);
  const loadSettings = async () => ({ settings: { openSessionlessAutomatically: openAutomatically } });
  const s = new Sessionless(api, core, { load: async () => ({ environments: list }) }, { loadSettings, sessions, switcher });
  return { api, s };
}

test('without the setting the offer is only said; a click opens the switch-role page in that tab', async () => {
  const { api, s } = make(false);
  const offer = await s.offer(TAB, TAB.url);
  assert.equal(offer.message, 'No session of test (1111-2222-3333) is open in this browser.');
  assert.deepEqual(offer.offers, [{ id: 'test', label: 'open test' }]);
  assert.equal(offer.opened, undefined);
  assert.equal(api.tabs.updated.length, 0);
  const opened = await s.openOffered(TAB, TAB.url, 'test');
  assert.equal(opened.outcome, 'page');
  assert.match(api.tabs.updated[0].url, /^https:\/\/signin\.aws\.amazon\.com\/switchrole\?account=111122223333&roleName=Deployer/);
  await assert.rejects(s.openOffered(TAB, TAB.url, 'prod-a'), /not offered on this page/);
});

test('with the setting the one environment is opened at once, but not again in that tab; several are only offered', async () => {
  const { api, s } = make(true);
  const first = await s.offer(TAB, TAB.url);
  assert.equal(first.opened.outcome, 'page');
  assert.equal(api.tabs.updated.length, 1);
  const again = await s.offer(TAB, TAB.url);
  assert.equal(again.opened, undefined, 'no loop when AWS sends the tab back');
  assert.equal(again.automatic, null);
  assert.equal(api.tabs.updated.length, 1);
  const other = { id: 6, url: 'https://444455556666-ffff0000.us-east-1.console.aws.amazon.com/' };
  const two = await s.offer(other, other.url);
  assert.equal(two.automatic, null);
  assert.deepEqual(two.offers.map((o) => o.label), ['open prod-a (Admin)', 'open prod-r (ReadOnly)']);
  assert.equal(api.tabs.updated.length, 1);
});
