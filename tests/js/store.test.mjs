import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ListStore } from '../../extension/background/store.js';
import { environments, fakeApi, loadCore } from './helpers.mjs';

let core;
before(async () => {
  core = await loadCore();
});

const isList = (k) => k === 'envs' || k.startsWith('envs.');
const listItems = (area) => Object.fromEntries(Object.entries(area.items).filter(([k]) => isList(k)));

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
  // Another worker (the browser restarted) reads the same list from storage.
  assert.deepEqual((await new ListStore(api, core).load()).environments, list);
});

test('a list too large for plain sync is compressed and still synced', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const list = environments(core, 1500);
  assert.equal(await store.save(list), 'sync');
  assert.equal(api.storage.sync.items.envs.encoding, 'deflate-base64');
  assert.deepEqual((await store.load()).environments, list);
});

test('a list too large for sync even compressed is kept locally, and the page is told why', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  await store.save(environments(core, 3));
  const big = environments(core, 12000, 'big');
  assert.equal(await store.save(big), 'local');
  const back = await store.load();
  assert.equal(back.area, 'local');
  assert.equal(back.sync.reason, 'too-large');
  assert.ok(back.sync.bytes > back.sync.quotaBytes, JSON.stringify(back.sync));
  assert.equal(back.environments.length, 12000);
  // Shrinking again shares it through sync again.
  assert.equal(await store.save(big.slice(0, 5)), 'sync');
  assert.equal((await store.load()).sync.mode, 'sync');
  const shared = core.StoredList.read(listItems(api.storage.sync)).view();
  assert.deepEqual(shared.environments.map((e) => e.id), big.slice(0, 5).map((e) => e.id));
});

test('sync refusing a write for its size (quota counted differently) loses nothing', async () => {
  const api = fakeApi();
  api.storage.sync.set = async () => {
    throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
  };
  const store = new ListStore(api, core);
  const list = environments(core, 4);
  assert.equal(await store.save(list), 'local');
  assert.deepEqual((await store.load()).environments, list);
  assert.equal((await store.load()).sync.reason, 'too-large');
});

test('a write refused for too many writes is retried with backoff and never switches to local mode', async () => {
  const api = fakeApi();
  const retries = [];
  let now = 1_000_000;
  const store = new ListStore(api, core, { now: () => now, retry: (ms) => retries.push(ms) });
  await store.save(environments(core, 2));
  const realSet = api.storage.sync.set.bind(api.storage.sync);
  api.storage.sync.set = async () => {
    throw new Error('This request exceeds the MAX_WRITE_OPERATIONS_PER_MINUTE quota.');
  };
  const list = environments(core, 3);
  assert.equal(await store.save(list), 'sync', 'not local mode');
  let state = await store.load();
  assert.deepEqual(state.environments, list, 'the change is kept on this browser');
  assert.equal(state.area, 'sync');
  assert.equal(state.sync.mode, 'retrying');
  assert.match(state.sync.reason, /MAX_WRITE_OPERATIONS_PER_MINUTE/);
  // Still refused at the first retry: the next waits longer.
  now += retries[0];
  await store.reconcile();
  assert.ok(retries[1] > retries[0], `backoff: ${retries}`);
  // Sync accepts again: the retry shares the list and the notice goes.
  api.storage.sync.set = realSet;
  now += retries[1];
  assert.equal((await store.reconcile()).outcome, 'shared');
  state = await store.load();
  assert.equal(state.sync.mode, 'sync');
  assert.deepEqual(core.StoredList.read(listItems(api.storage.sync)).view().environments, list);
});

test('a list left in sync by the version before merging is taken over, and shared in the new form', async () => {
  const api = fakeApi();
  const list = environments(core, 3);
  const text = JSON.stringify({ version: 1, environments: list });
  api.storage.sync.items.envs = { version: 1, chunks: 1, revision: 5, checksum: fnv1a(text) };
  api.storage.sync.items['envs.0'] = text;
  api.storage.local.items.lastSyncWrite = { checksum: 'x', base: [], ours: [] };
  const store = new ListStore(api, core);
  assert.deepEqual((await store.load()).environments, list);
  await store.reconcile();
  assert.equal(api.storage.sync.items.envs.version, 2);
  assert.ok(api.storage.local.items.envs, 'this browser keeps its own copy');
  assert.equal(api.storage.local.items.lastSyncWrite, undefined);
  assert.deepEqual((await new ListStore(api, core).load()).environments, list);
});

// FNV-1a 64 over UTF-8, as the core checksums the stored text.
function fnv1a(text) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** Edits this browser's stored copy of the list as text (damage from outside). */
function tamper(api, edit) {
  const text = edit(api.storage.local.items['envs.0']);
  api.storage.local.items['envs.0'] = text;
  api.storage.local.items.envs.checksum = fnv1a(text);
}

test('an entry stored under older, laxer rules is reported and kept aside; the rest still loads', async () => {
  const api = fakeApi();
  await new ListStore(api, core).save(environments(core, 2));
  tamper(api, (text) => text.replace('100000000001', '10000'));
  const back = await new ListStore(api, core).load();
  assert.equal(back.environments.length, 1);
  assert.equal(back.unreadable.length, 1);
  assert.match(back.unreadable[0].reason, /must be 12 digits/);
});

test('a list in sync whose chunks do not belong together (still arriving) is not misread and not overwritten', async () => {
  const api = fakeApi();
  const store = new ListStore(api, core);
  const list = environments(core, 2);
  await store.save(list);
  api.storage.sync.items['envs.0'] = api.storage.sync.items['envs.0'].replace('env-1', 'env-X');
  const writes = api.storage.sync.writes;
  assert.equal((await store.reconcile()).outcome, 'nothing-to-do');
  assert.equal(api.storage.sync.writes, writes, 'waits for the rest of the write');
  assert.deepEqual((await store.load()).environments, list);
});

test('a damaged copy on this browser is an error with a clear message, not an empty list', async () => {
  const api = fakeApi();
  await new ListStore(api, core).save(environments(core, 150));
  const parts = Object.keys(api.storage.local.items).filter((k) => k.startsWith('envs.'));
  if (parts.length > 1) delete api.storage.local.items['envs.1'];
  else api.storage.local.items['envs.0'] = api.storage.local.items['envs.0'].slice(0, 100);
  await assert.rejects(new ListStore(api, core).load(), /missing|still syncing|damaged/);
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
  const writes = [api.storage.sync.writes, api.storage.local.writes];
  const revision = (await store.load()).revision;
  assert.deepEqual(await store.update(() => ({ ok: false })), { ok: false });
  await assert.rejects(store.update(() => {
    throw new Error('no');
  }), /no/);
  assert.deepEqual([api.storage.sync.writes, api.storage.local.writes], writes);
  assert.equal((await store.load()).revision, revision);
});

test('entries that could not be read survive the next save, until discarded', async () => {
  const api = fakeApi();
  const [a, b] = environments(core, 2);
  await new ListStore(api, core).save([a, b]);
  tamper(api, (text) => text.replace(b.accountId, '12345'));
  const store = new ListStore(api, core);
  assert.equal((await store.load()).unreadable.length, 1);

  // An ordinary edit leaves the damaged entry where it is.
  const c = core.validateEnvironment({ accountId: '777777777777', displayName: 'c' }, 'c').environment;
  await store.update(({ environments: list }) => ({ environments: [...list, c] }));
  const after = await new ListStore(api, core).load();
  assert.deepEqual(after.environments, [a, c]);
  assert.equal(after.unreadable.length, 1);
  assert.equal(after.unreadable[0].raw.accountId, '12345');
  assert.match(after.unreadable[0].reason, /must be 12 digits/);

  // Discarding them is the user's explicit choice.
  await store.update(({ environments: list }) => ({ environments: list, dropUnreadable: true }));
  assert.equal((await store.load()).unreadable.length, 0);
  assert.deepEqual((await store.load()).environments, [a, c]);
});

// ---- Several browsers signed in to one sync account ----
//
// Each browser has its own sync area. Every item a browser writes to its sync
// area is queued for each other browser with a timestamp; a delivery applies
// queued items in any order, and an item older than what the receiver holds
// for that key is dropped: per-item last-writer-wins, as browser sync behaves.
// A delivery that changes list items calls the receiver's reconcile, as the
// worker's storage.onChanged listener does.
class Network {
  constructor(n, { now = () => Date.now() } = {}) {
    this.clock = 0;
    this.browsers = Array.from({ length: n }, () => {
      const api = fakeApi();
      const browser = { api, queue: [], stamps: {}, store: new ListStore(api, core, { now }) };
      const area = api.storage.sync;
      const set = area.set.bind(area);
      const remove = area.remove.bind(area);
      area.set = async (items) => {
        await set(items);
        this.sent(browser, Object.entries(items).map(([k, v]) => [k, structuredClone(v)]));
      };
      area.remove = async (keys) => {
        await remove(keys);
        this.sent(browser, [keys].flat().map((k) => [k, undefined]));
      };
      return browser;
    });
  }

  sent(from, changes) {
    for (const [key, value] of changes) {
      const at = ++this.clock;
      from.stamps[key] = at;
      for (const to of this.browsers) if (to !== from) to.queue.push({ key, value, at });
    }
  }

  /** Delivers `count` (default all) of `to`'s queued items, picked by `pick(n)`; then `to` reconciles. */
  async deliver(to, { count = Infinity, pick = () => 0 } = {}) {
    let changed = false;
    for (let i = 0; i < count && to.queue.length; i += 1) {
      const [{ key, value, at }] = to.queue.splice(pick(to.queue.length), 1);
      if ((to.stamps[key] ?? 0) > at) continue;
      to.stamps[key] = at;
      if (value === undefined) delete to.api.storage.sync.items[key];
      else to.api.storage.sync.items[key] = value;
      changed ||= isList(key);
    }
    if (changed) return to.store.reconcile();
    return { outcome: 'nothing-to-do', notes: [] };
  }

  /** Everything delivered everywhere until nobody has anything left to send. */
  async settle() {
    for (let round = 0; round < 20; round += 1) {
      if (this.browsers.every((b) => b.queue.length === 0)) return;
      for (const b of this.browsers) await this.deliver(b);
    }
    throw new Error('the browsers did not settle');
  }

  async lists() {
    return Promise.all(this.browsers.map(async (b) => (await b.store.load()).environments));
  }
}

const make = (id, accountId) => core.validateEnvironment({ accountId, displayName: id }, id).environment;
const add = (env) => ({ environments: list }) => ({ environments: [...list, env] });
const remove = (id) => ({ environments: list }) => ({ environments: list.filter((e) => e.id !== id) });
const rename = (id, name) => ({ environments: list }) => ({
  environments: list.map((e) => (e.id === id ? { ...e, displayName: name } : e)),
});
const ids = (list) => list.map((e) => e.id).sort();

test('B adds P then Q while A adds R, and A\'s write lands last: every entry is kept on both', async () => {
  const net = new Network(2);
  const [A, B] = net.browsers;
  await A.store.update(add(make('base', '111111111111')));
  await net.settle();
  await B.store.update(add(make('P', '222222222222')));
  await B.store.update(add(make('Q', '333333333333')));
  await A.store.update(add(make('R', '444444444444')));
  // B's writes reach A first, then A's write reaches B and overwrites B's sync area.
  await net.deliver(A);
  await net.deliver(B);
  await net.settle();
  for (const list of await net.lists()) assert.deepEqual(ids(list), ['P', 'Q', 'R', 'base']);
});

test('A adds X; B sees it, deletes X, then adds Y; A sees only B\'s final list: X stays deleted', async () => {
  const net = new Network(2);
  const [A, B] = net.browsers;
  await A.store.update(add(make('X', '111111111111')));
  await net.settle();
  await B.store.update(remove('X'));
  await B.store.update(add(make('Y', '222222222222')));
  // Both of B's writes arrive before A looks: A sees only B's final list.
  await net.deliver(A);
  await net.settle();
  for (const list of await net.lists()) assert.deepEqual(ids(list), ['Y']);
});

test('a browser that could not write for a while still merges the other\'s changes, and then shares its own', async () => {
  const net = new Network(2);
  const [A, B] = net.browsers;
  await A.store.update(add(make('base', '111111111111')));
  await net.settle();
  const realSet = A.api.storage.sync.set;
  A.api.storage.sync.set = async () => {
    throw new Error('This request exceeds the MAX_WRITE_OPERATIONS_PER_MINUTE quota.');
  };
  await A.store.update(add(make('from-a', '222222222222')));
  assert.equal((await A.store.load()).area, 'sync', 'refused for now is not local mode');
  await B.store.update(add(make('from-b', '333333333333')));
  await net.deliver(A);
  assert.deepEqual(ids((await A.store.load()).environments), ['base', 'from-a', 'from-b'], 'B\'s change merged on A');
  A.api.storage.sync.set = realSet;
  await A.store.reconcile(); // the retry
  await net.settle();
  for (const list of await net.lists()) assert.deepEqual(ids(list), ['base', 'from-a', 'from-b']);
});

test('a browser in local mode (list too large) still merges what the other browser writes', async () => {
  const net = new Network(2);
  const [A, B] = net.browsers;
  await B.store.update(add(make('from-b', '999999999999')));
  await net.settle();
  assert.equal(await A.store.save([...(await A.store.load()).environments, ...environments(core, 12000, 'big')]), 'local');
  await B.store.update(add(make('later-b', '888888888888')));
  await net.deliver(A);
  const state = await A.store.load();
  assert.equal(state.area, 'local');
  assert.equal(state.sync.reason, 'too-large');
  assert.ok(state.environments.some((e) => e.id === 'later-b'));
  assert.equal(state.environments.length, 12002);
});

test('two browsers editing the same entry at the same time: one version everywhere, and the options page says so', async () => {
  const net = new Network(2);
  const [A, B] = net.browsers;
  await A.store.update(add(make('shared', '111111111111')));
  await net.settle();
  await A.store.update(rename('shared', 'named-on-a'));
  await B.store.update(rename('shared', 'named-on-b'));
  await net.settle();
  const [onA, onB] = await net.lists();
  assert.deepEqual(onA, onB);
  const notes = [...(await A.store.load()).syncNotes, ...(await B.store.load()).syncNotes];
  assert.ok(notes.some((n) => /changed on two browsers at the same time/.test(n)), notes.join('\n'));
});

// A small seeded generator, so that a failure names the case that reproduces it.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('three browsers, random changes, writes delivered in any order and overwritten in transit: all converge, nothing lost or resurrected', async () => {
  for (let seed = 1; seed <= 25; seed += 1) {
    const random = rng(seed);
    const int = (n) => Math.floor(random() * n);
    const net = new Network(3);
    const added = new Set();
    const deleted = new Set();
    const renamed = new Set();
    let next = 0;
    // A browser that has no list of its own yet refuses changes while the first list is still arriving.
    const tryUpdate = async (b, change) => {
      try {
        await b.store.update(change);
        return true;
      } catch (err) {
        if (!/still arriving/.test(err.message)) throw err;
        return false;
      }
    };
    for (let step = 0; step < 24; step += 1) {
      const b = net.browsers[int(3)];
      const list = (await b.store.load()).environments;
      const roll = random();
      if (roll < 0.35 || list.length === 0) {
        next += 1;
        const id = `s${seed}-${next}`;
        if (await tryUpdate(b, add(make(id, String(100000000000 + next))))) added.add(id);
      } else if (roll < 0.5) {
        const { id } = list[int(list.length)];
        if (await tryUpdate(b, remove(id))) deleted.add(id);
      } else if (roll < 0.65) {
        const { id } = list[int(list.length)];
        if (await tryUpdate(b, rename(id, `renamed-${step}`))) renamed.add(id);
      } else {
        await net.deliver(net.browsers[int(3)], { count: 1 + int(6), pick: int });
      }
    }
    await net.settle();
    const lists = await net.lists();
    const where = `seed ${seed}`;
    assert.deepEqual(lists[1], lists[0], where);
    assert.deepEqual(lists[2], lists[0], where);
    const final = new Set(lists[0].map((e) => e.id));
    for (const id of added) if (!deleted.has(id)) assert.ok(final.has(id), `${where}: addition ${id} lost`);
    for (const id of deleted) if (final.has(id)) assert.ok(renamed.has(id), `${where}: deletion of ${id} undone`);
  }
});
