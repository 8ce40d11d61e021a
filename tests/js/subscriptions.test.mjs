// The worker's side of team lists (extension/background/subscriptions.js) with the real core
// and a fake fetch: what each request carries, and what a failure becomes. The browser run
// is tests/e2e/team-lists.test.mjs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { TeamLists, EffectiveList, STATES_KEY } from '../../extension/background/subscriptions.js';
import { fakeApi, loadCore } from './helpers.mjs';

const URL_A = 'https://lists.example.test/aws/roleswitch.json';
const list = (n) => JSON.stringify({
  version: 1,
  environments: Array.from({ length: n }, (_, i) => ({
    accountId: String(200000000000 + i), roleName: 'TeamAdmin', displayName: `team-${i}`, color: '#99ccff', production: false,
  })),
});

let core;
before(async () => {
  core = await loadCore();
});

/** A TeamLists over fake storage, subscribed to URL_A, whose fetch answers with `answer(url, init)`. */
async function subscribed(answer, { granted = true } = {}) {
  const api = fakeApi();
  api.permissions = { contains: async () => granted, remove: async () => true };
  api.alarms = { create: async () => {}, clear: async () => true };
  api.storage.managed = { get: async () => ({}) };
  const calls = [];
  const teams = new TeamLists(api, core, {
    fetch: async (url, init) => {
      calls.push({ url, init });
      return answer(url, init);
    },
  });
  const made = core.subscribe(URL_A, 'Platform', undefined, []);
  await api.storage.local.set({ [STATES_KEY]: [made.state] });
  return { api, teams, calls };
}

const response = (body, { status = 200, url = URL_A, headers = {} } = {}) => {
  const r = new Response(status === 304 ? null : body, { status, headers });
  Object.defineProperty(r, 'url', { value: url });
  return r;
};

test('a request sends no credentials, skips the cache, and is conditional after a good copy', async () => {
  let n = 0;
  const { teams, calls } = await subscribed(() => (n++ === 0
    ? response(list(3), { headers: { etag: '"v1"', 'content-type': 'application/json' } })
    : response(null, { status: 304 })));
  assert.equal((await teams.refresh(URL_A)).outcome, 'accepted');
  assert.equal(calls[0].init.credentials, 'omit');
  assert.equal(calls[0].init.cache, 'no-store');
  assert.deepEqual(calls[0].init.headers, {});
  assert.equal((await teams.refresh(URL_A)).outcome, 'notModified');
  assert.deepEqual(calls[1].init.headers, { 'If-None-Match': '"v1"' });
});

test('every failure keeps the last good copy, with the reason', async () => {
  const answers = [
    () => response(list(12)),
    () => response('oops', { status: 500 }),
    () => response(list(12), { url: 'http://lists.example.test/aws/roleswitch.json' }),
    () => Promise.reject(new TypeError('Failed to fetch')),
    (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    () => response(list(1)),
  ];
  let at = 0;
  const { teams } = await subscribed((url, init) => answers[at++](url, init));
  teams.timeoutMs = 50;
  assert.equal((await teams.refresh(URL_A)).outcome, 'accepted');
  const reasons = [];
  for (let i = 1; i < answers.length; i++) {
    const result = await teams.refresh(URL_A);
    assert.equal(result.outcome, 'keptLastGood');
    assert.equal(result.state.lastGood.environments.length, 12);
    reasons.push(result.state.status.text);
  }
  assert.match(reasons[0], /HTTP 500/);
  assert.match(reasons[1], /redirected to http:\/\/lists\.example\.test, which is not https/);
  assert.match(reasons[2], /Failed to fetch/);
  assert.match(reasons[3], /no answer within 0 s \(timeout\)/);
  assert.match(reasons[4], /holds 1 valid entry instead of 12/);
});

test('the body is read only up to the core import cap', async () => {
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  let pulled = 0;
  const stream = new ReadableStream({
    pull(controller) {
      pulled += 1;
      controller.enqueue(chunk);
    },
  });
  const { teams } = await subscribed(() => response(stream));
  const result = await teams.refresh(URL_A);
  assert.equal(result.outcome, 'keptLastGood');
  assert.match(result.state.status.text, /more than the 16 MB an import reads/);
  assert.ok(pulled <= 18, `stopped reading after ${pulled} MB`);
});

test('without the permission to its origin, nothing is fetched', async () => {
  const { teams, calls } = await subscribed(() => response(list(3)), { granted: false });
  const result = await teams.refresh(URL_A);
  assert.equal(calls.length, 0);
  assert.match(result.state.status.text, /may not read https:\/\/lists\.example\.test/);
});

test('the effective list: hidden entries leave the popup only, and the same array comes back while nothing changed', async () => {
  const { api, teams } = await subscribed(() => response(list(3)));
  await teams.refresh(URL_A);
  const personal = { environments: [], unreadable: [] };
  const store = { load: async () => personal, touches: () => false };
  const effective = new EffectiveList(core, store, teams);
  const first = await effective.forBanner.load();
  assert.equal(first.environments.length, 3);
  assert.equal((await effective.forBanner.load()).environments, first.environments);
  const saved = await teams.setOverride({ accountId: '200000000001', roleName: 'TeamAdmin', hidden: true });
  assert.equal(saved.ok, true, saved.error);
  assert.deepEqual((await effective.forPopup.load()).environments.map((e) => e.displayName), ['team-0', 'team-2']);
  assert.equal((await effective.forBanner.load()).environments.length, 3);
  assert.equal(effective.touches(['teamRevision']), true);
  assert.ok(api);
});

test('a refresh that leaves the entries as they were writes no new revision (the popup and the banner keep theirs)', async () => {
  const answers = [
    () => response(list(3), { headers: { etag: '"v1"' } }),
    () => response(null, { status: 304 }),
    () => response(list(3), { headers: { etag: '"v2"' } }),
    () => response('oops', { status: 500 }),
    () => response(list(4), { headers: { etag: '"v3"' } }),
  ];
  let at = 0;
  const { api, teams } = await subscribed(() => answers[at++]());
  let clock = 1_000_000;
  teams.now = () => (clock += 60_000);
  const revision = async () => (await api.storage.local.get('teamRevision')).teamRevision;
  const checked = async () => (await teams.states())[0].status;
  await teams.refresh(URL_A);
  const first = await revision();
  assert.ok(first, 'a new copy: a new revision');
  for (const outcome of ['notModified', 'accepted', 'keptLastGood']) {
    const before = await checked();
    assert.equal((await teams.refresh(URL_A)).outcome, outcome);
    assert.equal(await revision(), first, `${outcome}: the same entries, the same revision`);
    assert.notDeepEqual(await checked(), before, `${outcome}: the status is stored`);
  }
  assert.equal((await teams.refresh(URL_A)).outcome, 'accepted');
  assert.notEqual(await revision(), first, 'an entry added: a new revision');
});

test('a refresh that changes nothing the popup footer shows does not write its record again', async () => {
  const answers = [() => response(list(3), { headers: { etag: '"v1"' } }), () => response(null, { status: 304 })];
  let at = 0;
  const { api, teams } = await subscribed(() => answers[at++]());
  await teams.refresh(URL_A);
  await api.storage.local.set({ teamStatus: { stale: [], changes: null } }); // as the worker writes it
  const written = [];
  const set = api.storage.local.set.bind(api.storage.local);
  api.storage.local.set = async (items) => {
    written.push(...Object.keys(items));
    return set(items);
  };
  assert.equal((await teams.refresh(URL_A)).outcome, 'notModified');
  assert.deepEqual(written, ['teamLists'], 'the state (its time checked), not the footer’s record read back in Chromium’s order');
});
