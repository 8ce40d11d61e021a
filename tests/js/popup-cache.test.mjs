// What the worker precomputes for the popup (extension/background/popup-cache.js), with
// the real core and storage areas as fakes: a console tab's report stores its identity's
// first screen and points the tab's popup at it; every change of what the records are made
// from (list, entries set aside, recents, favorites, settings) leaves them not current for
// the popup — which then asks the worker — until they are rebuilt; a report that comes
// after its page left labels nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import '../../extension/shared/popup-cache.js';
import { PopupCache } from '../../extension/background/popup-cache.js';
import { fakeApi, loadCore } from './helpers.mjs';

const { KEYS, NONE, SOURCES, listCache, sourcesDigest, listStamp } = globalThis.RS.popupCache;

let core;
before(async () => {
  core = await loadCore();
});

const CONSOLE = 'https://us-east-1.console.aws.amazon.com/console/home';
const MGMT_SIGNALS = {
  host: 'us-east-1.console.aws.amazon.com',
  sessionData: JSON.stringify({ accountId: '999988887777', sessionARN: 'arn:aws:sts::999988887777:assumed-role/Admin/alice', accountAlias: 'acme-mgmt' }),
  navAccount: null,
  navRole: null,
  userInfoCookie: null,
};

function list() {
  const inputs = [
    { displayName: 'test', accountId: '111122223333', base: { accountId: '999988887777', roleName: 'Admin' } },
    { displayName: 'prod', accountId: '444455556666', production: true },
    { displayName: 'other', accountId: '555566667777', base: { accountId: '123412341234' } },
  ];
  return inputs.map((input, i) => core.validateEnvironment(input, `env-${i}`).environment);
}

/**
 * CacheStorage as the list cache uses it (open, put, match, keys, delete), in memory: `puts`
 * counts the responses stored, `clear()` forgets them as a browser clearing the cache would.
 */
function fakeCaches() {
  const entries = new Map();
  const caches = {
    puts: 0,
    clear: () => entries.clear(),
    async open() {
      return {
        async put(url, response) {
          caches.puts += 1;
          entries.set(url, response);
        },
        async match(url) {
          return entries.get(url)?.clone();
        },
        async keys() {
          return [...entries.keys()].map((url) => ({ url }));
        },
        async delete(request) {
          return entries.delete(request.url);
        },
      };
    },
  };
  return caches;
}

/** A PopupCache over fake storage, a console tab (id 7) and a store holding `environments`. */
async function setUp() {
  globalThis.caches = fakeCaches();
  const api = fakeApi();
  api.popups = [];
  api.action = { setPopup: async (options) => api.popups.push(options) };
  api.tabs.open = [{ id: 7, url: CONSOLE }];
  api.tabs.query = async () => structuredClone(api.tabs.open);
  api.tabs.get = async (id) => {
    const tab = api.tabs.open.find((t) => t.id === id);
    if (!tab) throw new Error(`No tab with id: ${id}.`);
    return structuredClone(tab);
  };
  const store = {
    environments: list(),
    loads: 0,
    async load() {
      this.loads += 1;
      return { environments: this.environments, unreadable: [] };
    },
  };
  // The list's stored meta item: its stamp, as the store writes it.
  await api.storage.local.set({ envs: { version: 2, chunks: 1, revision: 1, checksum: 'c1' } });
  const cache = new PopupCache(api, core, store, {
    loadSettings: async () => core.readSettings((await api.storage.sync.get('settings')).settings ?? null),
    loadRecents: async () => (await api.storage.local.get('recents')).recents ?? [],
    loadFavorites: async () => (await api.storage.sync.get('favorites')).favorites ?? [],
    pageContext: async () => ({ signals: MGMT_SIGNALS }),
  });
  return { api, store, cache };
}

/** The stored first screen of `identity`, and whether the popup would take it now. */
async function firstScreen(api, identity) {
  const text = (await api.storage.session.get(KEYS.first(identity)))[KEYS.first(identity)];
  const first = text ? JSON.parse(text) : null;
  const local = await api.storage.local.get(SOURCES.local);
  const sync = await api.storage.sync.get(SOURCES.sync);
  const current = Boolean(first) && first.sources === sourcesDigest(local, sync) && first.stamp === listStamp(local);
  return { first, current };
}

const names = (first) => first.rows.map(([, row]) => row.split('\u001f')[1]);

test('a console tab’s report stores its page’s first screen and points the tab’s popup at it', async () => {
  const { api, cache } = await setUp();
  await cache.report(7, CONSOLE, MGMT_SIGNALS);
  const identity = JSON.stringify(core.identify(MGMT_SIGNALS));
  const { first, current } = await firstScreen(api, identity);
  assert.equal(current, true);
  assert.equal(first.signedIn, 'acme-mgmt (9999-8888-7777) · Admin');
  assert.deepEqual(first.preferredHead.map((i) => names(first)[first.rows.findIndex(([r]) => r === i)]), ['test', 'prod', 'other'],
    'reachable from acme-mgmt first, "other" last');
  assert.equal(first.rows.find(([i]) => i === 2)[2], 0, '"other" is marked unreachable');
  assert.deepEqual(api.popups, [{ tabId: 7, popup: `popup/popup.html#${encodeURIComponent(identity)}` }]);

  await cache.rebuild();
  assert.equal((await firstScreen(api, NONE)).current, true, 'other pages have theirs too');
  assert.equal((await firstScreen(api, NONE)).first.signedIn, null);
});

test('every change of what the records are made from leaves them not current until rebuilt', async () => {
  const { api, store, cache } = await setUp();
  await cache.report(7, CONSOLE, MGMT_SIGNALS);
  const identity = JSON.stringify(core.identify(MGMT_SIGNALS));
  const changes = [
    ['favorites', () => api.storage.sync.set({ favorites: ['env-2'] }),
      (first) => assert.deepEqual(first.sections.map((s) => s.label)[0], 'Favorites')],
    ['recents', () => api.storage.local.set({ recents: ['env-1'] }),
      // The favorite first, then the reachable ones, the recently used (prod) first.
      (first) => assert.deepEqual(first.preferredHead, [2, 1, 0])],
    ['settings', () => api.storage.sync.set({ settings: { reachableOnly: true, confirmProduction: true } }),
      (first) => assert.equal(first.visibleCount, 2, 'reachable only: "other" hidden')],
    ['the list', () => {
      store.environments = store.environments.map((e) => (e.id === 'env-0' ? { ...e, displayName: 'renamed' } : e));
      return api.storage.local.set({ envs: { version: 2, chunks: 1, revision: 2, checksum: 'c2' } });
    }, (first) => assert.ok(names(first).includes('renamed'))],
    ['entries set aside', () => api.storage.local.set({ setAside: [{ id: 'x' }] }),
      (first) => assert.ok(first)],
  ];
  for (const [what, change, check] of changes) {
    await change();
    assert.equal((await firstScreen(api, identity)).current, false, `${what}: the stored screen is not used`);
    await cache.rebuild();
    const { first, current } = await firstScreen(api, identity);
    assert.equal(current, true, `${what}: current again`);
    check(first);
  }
});

test('the prepared search index (with the rows) is stored in the list cache for the list’s stamp, and nothing else; nothing is read when all is current', async () => {
  const { store, cache } = await setUp();
  // What an earlier version stored besides the index goes when the index is written.
  await (await globalThis.caches.open('roleswitch-popup-list')).put('https://roleswitch.invalid/popup/rows', new Response('old rows'));
  await cache.rebuild();
  const stamp = listStamp({ envs: { revision: 1, checksum: 'c1' } });
  const parsed = new core.PopupList(JSON.stringify(store.environments));
  const index = await listCache.read(stamp);
  assert.ok(index instanceof Uint8Array, 'the index as bytes');
  assert.equal(new TextDecoder().decode(index), parsed.searchIndex(), 'its UTF-8 bytes');
  assert.ok(parsed.searchIndex().includes(parsed.rows()), 'the rows, in the index');
  const kept = (await (await globalThis.caches.open('roleswitch-popup-list')).keys()).map((r) => r.url);
  assert.deepEqual(kept, ['https://roleswitch.invalid/popup/index']);
  assert.equal(await listCache.read(listStamp({ envs: { revision: 2, checksum: 'c2' } })), null, 'another list’s stamp: not this index');
  const loads = store.loads;
  await cache.rebuild();
  assert.equal(store.loads, loads, 'all current: the list was not read again');
});

test('a list cache the browser cleared is stored again when the popup asks', async () => {
  const { cache } = await setUp();
  await cache.rebuild();
  const stamp = listStamp({ envs: { revision: 1, checksum: 'c1' } });
  globalThis.caches.clear();
  await cache.rebuild();
  assert.equal(await listCache.has(stamp), false, 'a rebuild does not look for it: the records say it is current');
  const fresh = await cache.forPopup({ id: 7, url: CONSOLE });
  assert.ok(fresh.rows.index.startsWith('RSX4'), 'the popup gets the index in the answer');
  assert.equal(await listCache.has(stamp), true, 'and it is stored for the next open');
});

test('without CacheStorage the records are still stored, and the popup gets the list in the answer', async () => {
  const { api, cache } = await setUp();
  globalThis.caches = undefined;
  await cache.rebuild();
  const { current } = await firstScreen(api, NONE);
  assert.equal(current, true, 'the first screen is stored');
  const fresh = await cache.forPopup({ id: 7, url: CONSOLE });
  assert.equal(fresh.rows.rows.split('\u001e').length, 3);
  assert.equal(await listCache.read(fresh.first.stamp), null, 'nothing to read: the popup asks');
});

test('a report that arrives after its page left labels nothing', async () => {
  const { api, cache } = await setUp();
  api.tabs.open = [{ id: 7, url: 'https://example.com/' }];
  await cache.report(7, CONSOLE, MGMT_SIGNALS);
  assert.deepEqual(api.popups, []);
});

test('the popup’s fallback gets records made now, for the page the tab shows', async () => {
  const { cache } = await setUp();
  const fresh = await cache.forPopup({ id: 7, url: CONSOLE });
  assert.equal(fresh.first.signedIn, 'acme-mgmt (9999-8888-7777) · Admin');
  assert.equal(typeof fresh.view.view, 'string');
  assert.equal(fresh.rows.rows.split('\u001e').length, 3);
  assert.ok(fresh.rows.index.startsWith('RSX4'));
});

test('the popup’s fallback when the rows are current stores them no second time', async () => {
  const { cache } = await setUp();
  await cache.rebuild();
  const puts = globalThis.caches.puts;
  assert.equal(puts, 1, 'the index (with the rows)');
  const fresh = await cache.forPopup({ id: 7, url: CONSOLE });
  assert.equal(fresh.rows.rows.split('\u001e').length, 3, 'the rows are in the answer');
  assert.equal(globalThis.caches.puts, puts, 'not written again');
});
