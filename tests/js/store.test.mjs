import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ListStore } from '../../extension/background/store.js';
import { environments, fakeApi, loadCore } from './helpers.mjs';

let core;
before(async () => {
  core = await loadCore();
});

test('a list that fits is written to sync in chunks under the item quota and read back', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const list = environments(core, 150);
  assert.equal(await store.save(list), 'sync');
  const keys = Object.keys(api.storage.sync.items);
  assert.ok(keys.length > 2, `chunked: ${keys}`);
  for (const [k, v] of Object.entries(api.storage.sync.items)) {
    assert.ok(k.length + JSON.stringify(v).length <= 8192, k);
  }
  const back = await store.load();
  assert.deepEqual(back.environments, list);
  assert.equal(back.area, 'sync');
  assert.equal(back.revision, 1);
});

test('a list too large for plain sync is compressed and still synced', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const list = environments(core, 1500);
  assert.equal(await store.save(list), 'sync');
  assert.equal(api.storage.sync.items.envs.encoding, 'deflate-base64');
  assert.deepEqual((await store.load()).environments, list);
});

test('a list too large for sync even compressed is kept locally, and the page is told', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  await store.save(environments(core, 3));
  const big = environments(core, 12000, 'big');
  assert.equal(await store.save(big), 'local');
  const back = await store.load();
  assert.equal(back.area, 'local');
  assert.equal(back.environments.length, 12000);
  // Shrinking again moves it back to sync and clears the local copy.
  assert.equal(await store.save(big.slice(0, 5)), 'sync');
  const listKeys = Object.keys(api.storage.local.items).filter((k) => k === 'envs' || k.startsWith('envs.'));
  assert.deepEqual(listKeys, [], 'no copy of the list is left in local storage');
  assert.equal((await store.load()).environments.length, 5);
});

test('sync refusing a write (quota counted differently) loses nothing', async () => {
  const api = fakeApi();
  api.storage.sync.set = async () => {
    throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
  };
  const store = new ListStore(api, core);
  const list = environments(core, 4);
  assert.equal(await store.save(list), 'local');
  assert.deepEqual((await store.load()).environments, list);
});

test('concurrent saves are written one after the other', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const a = environments(core, 2, 'a');
  const b = environments(core, 3, 'b');
  await Promise.all([store.save(a), store.save(b)]);
  const back = await store.load();
  assert.deepEqual(back.environments, b);
  assert.equal(back.revision, 2);
});

// FNV-1a 64 over UTF-8, as the core checksums the stored text.
function fnv1a(text) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

test('an entry stored under older, laxer rules is reported and kept aside; the rest still loads', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  await store.save(environments(core, 2));
  const text = api.storage.sync.items['envs.0'].replace('100000000001', '10000');
  api.storage.sync.items['envs.0'] = text;
  api.storage.sync.items.envs.checksum = fnv1a(text);
  const back = await store.load();
  assert.equal(back.environments.length, 1);
  assert.equal(back.unreadable.length, 1);
  assert.match(back.unreadable[0].reason, /must be 12 digits/);
});

test('a list whose chunks do not belong together (sync still arriving) is refused, not misread', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  await store.save(environments(core, 2));
  api.storage.sync.items['envs.0'] = api.storage.sync.items['envs.0'].replace('env-1', 'env-X');
  await assert.rejects(store.load(), /still syncing/);
});

test('a missing chunk is an error with a clear message, not an empty list', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  await store.save(environments(core, 150));
  delete api.storage.sync.items['envs.1'];
  await assert.rejects(store.load(), /Part 2 of \d+ of the stored list is missing/);
});

test('update is read-modify-write in one step: concurrent changes both land', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const [a, b] = environments(core, 2);
  await Promise.all([
    store.update(({ environments: list }) => ({ environments: [...list, a] })),
    store.update(({ environments: list }) => ({ environments: [...list, b] })),
  ]);
  assert.deepEqual((await store.load()).environments, [a, b]);
});

test('an update that returns no list, or throws, writes nothing', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  await store.save(environments(core, 1));
  const writes = api.storage.sync.writes;
  assert.deepEqual(await store.update(() => ({ ok: false })), { ok: false });
  await assert.rejects(store.update(() => {
    throw new Error('no');
  }), /no/);
  assert.equal(api.storage.sync.writes, writes);
  assert.equal((await store.load()).revision, 1);
});

test('entries that could not be read survive the next save, until discarded', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const [a, b] = environments(core, 2);
  await store.save([a, b]);
  const text = api.storage.sync.items['envs.0'].replace(b.accountId, '12345');
  api.storage.sync.items['envs.0'] = text;
  api.storage.sync.items.envs.checksum = fnv1a(text);
  assert.equal((await store.load()).unreadable.length, 1);

  // An ordinary edit rewrites the list: the damaged entry is no longer in it, but it is not lost.
  const c = core.validateEnvironment({ accountId: '777777777777', displayName: 'c' }, 'c').environment;
  await store.update(({ environments: list }) => ({ environments: [...list, c] }));
  const after = await store.load();
  assert.deepEqual(after.environments, [a, c]);
  assert.equal(after.unreadable.length, 1);
  assert.equal(after.unreadable[0].raw.accountId, '12345');
  assert.match(after.unreadable[0].reason, /must be 12 digits/);

  // Discarding them is the user's explicit choice.
  await store.update(({ environments: list }) => ({ environments: list, dropUnreadable: true }));
  assert.equal((await store.load()).unreadable.length, 0);
  assert.deepEqual((await store.load()).environments, [a, c]);
});

// Two browsers signed in to the same sync account: each has its own copy of the sync
// area, and `deliver` is sync propagating one browser's list to the other (last write wins).
function deliver(from, to) {
  const isList = (k) => k === 'envs' || k.startsWith('envs.');
  for (const k of Object.keys(to.storage.sync.items)) if (isList(k)) delete to.storage.sync.items[k];
  for (const [k, v] of Object.entries(from.storage.sync.items)) if (isList(k)) to.storage.sync.items[k] = structuredClone(v);
  return to.storage.sync.items.envs;
}

const make = (id, accountId) => core.validateEnvironment({ accountId, displayName: id }, id).environment;

test('two browsers adding at the same time: after sync both keep both entries', async () => {
  const a = fakeApi();
  const b = fakeApi();
  const storeA = new ListStore(a, core);
  const storeB = new ListStore(b, core);
  await storeA.save([make('base', '111111111111')]);
  assert.equal((await storeB.reconcile(deliver(a, b))).outcome, 'none', 'B has written nothing yet');
  assert.equal((await storeA.reconcile(a.storage.sync.items.envs)).outcome, 'own', 'its own write echoed back');

  // Both add an entry before either has seen the other's change.
  await storeA.update(({ environments: list }) => ({ environments: [...list, make('from-a', '222222222222')] }));
  await storeB.update(({ environments: list }) => ({ environments: [...list, make('from-b', '333333333333')] }));

  // B's write reaches A last and replaces A's list there; A replays its own change on top.
  const merged = await storeA.reconcile(deliver(b, a));
  assert.equal(merged.outcome, 'merged');
  assert.deepEqual(merged.notes, []);
  // A's merged list reaches B, which sees it was made after its own write.
  assert.equal((await storeB.reconcile(deliver(a, b))).outcome, 'after-ours');
  for (const store of [storeA, storeB]) {
    const ids = (await store.load()).environments.map((e) => e.id);
    assert.deepEqual(ids, ['base', 'from-b', 'from-a']);
  }
});

test('two browsers editing the same entry at the same time: one version is kept, and the options page says so', async () => {
  const a = fakeApi();
  const b = fakeApi();
  const storeA = new ListStore(a, core);
  const storeB = new ListStore(b, core);
  await storeA.save([make('shared', '111111111111')]);
  deliver(a, b);
  const rename = (name) => ({ environments: list }) => ({ environments: list.map((e) => ({ ...e, displayName: name })) });
  await storeA.update(rename('named-on-a'));
  await storeB.update(rename('named-on-b'));
  const result = await storeA.reconcile(deliver(b, a));
  assert.equal(result.outcome, 'nothing-to-do');
  const state = await storeA.load();
  assert.deepEqual(state.environments.map((e) => e.displayName), ['named-on-b']);
  assert.match(state.syncNotes[0], /changed on this browser and on another at the same time/);
});
