// The popup's data, precomputed by the service worker so that the popup paints
// its first screen without waiting for this worker (which Chrome stops after
// about 30 s idle) or for the page: the records described in
// shared/popup-cache.js, rebuilt whenever the list, entries set aside,
// recents, favorites or settings change (storage.onChanged), whenever a
// console tab reports its page's signals, and when this worker starts.
//
// Console tabs report their signals (content/fastpath.js) on every change;
// this file keeps { [tabId]: { identity, signals, at } } in storage.session, keeps
// records for the identities of open console tabs (at most MAX_IDENTITIES)
// and for NONE, and points each console tab's popup at its identity.
import '../shared/popup-cache.js';
import { isConsoleUrl } from './router.js';

const { NONE, KEYS, SOURCES, FIRST_ROWS, FIRST_KEYS, listCache, listStamp, sourcesDigest } = globalThis.RS.popupCache;

/**
 * At most this many identities keep records (besides NONE), the most recently reported:
 * each holds a view of the whole list (about 0.3 MB at 20,000 entries; storage.session
 * holds 10 MB; the search index, with the rows, is in the list cache, not there).
 */
const MAX_IDENTITIES = 8;
/**
 * What is stored, for this worker: { stamp (of the list cache's index),
 * digests: { [identity]: sources } }.
 */
const META_KEY = 'popup.meta';

export class PopupCache {
  /**
   * `deps`: `loadSettings()` (validated settings), `loadRecents()`, `loadFavorites()`,
   * and `pageContext(tab)` (the console tab's `{ signals }`, or null; throws when the
   * page does not answer); optionally `listCache` (shared/popup-cache.js's by default).
   */
  constructor(api, core, store, deps) {
    this.api = api;
    this.core = core;
    this.store = store;
    this.deps = deps;
    this.queue = Promise.resolve();
    // The first keys' results take longer (a search per key): they follow on their own
    // queue, a key at a time, so that reports and the popup's requests are not held up.
    this.keysQueue = Promise.resolve();
    this.list = null; // { environments, parsed, rows, rowList } for the store's current list
    this.listCache = deps.listCache ?? listCache;
  }

  /**
   * Runs `work` after everything queued before it; one at a time.
   * @template T
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  enqueue(work) {
    const run = this.queue.then(work);
    this.queue = run.catch((err) => console.warn('Roleswitch: could not prepare the popup:', err));
    return run;
  }

  /** Whether a storage change touches what the records are made from. */
  static affects(changes, areaName) {
    const watched = SOURCES[areaName] ?? [];
    return Object.keys(changes).some((k) => watched.includes(k));
  }

  /** The identity of a page with `signals` (null: no console page): the key of its records. */
  identityOf(signals) {
    if (!signals) return NONE;
    return JSON.stringify(this.core.identify(signals));
  }

  async sources() {
    const [local, sync] = await Promise.all([
      this.api.storage.local.get(SOURCES.local),
      this.api.storage.sync.get(SOURCES.sync),
    ]);
    return { digest: sourcesDigest(local, sync), stamp: listStamp(local) };
  }

  /**
   * The list as the store has it now, parsed by the core once per change, and its rows;
   * `index` is made when first asked for.
   */
  async listData() {
    const state = await this.store.load();
    if (this.list?.environments !== state.environments) {
      const parsed = new this.core.PopupList(JSON.stringify(state.environments));
      const rows = parsed.rows();
      let index = null;
      this.list = {
        environments: state.environments,
        unreadable: state.unreadable.length,
        parsed,
        rows,
        rowList: rows ? rows.split('\u001e') : [],
        // The popup's search index, built here once per list ('': the popup builds it).
        get index() {
          index ??= parsed.searchIndex() ?? '';
          return index;
        },
      };
    }
    return this.list;
  }

  async session(key, fallback) {
    return (await this.api.storage.session.get(key))[key] ?? fallback;
  }

  /**
   * The records for `identity` (a page with `signals`) from `list`: the first screen,
   * and the whole view as JSON text.
   */
  async compute(identity, signals, list, sources) {
    const [{ settings }, recents, favorites] = await Promise.all([
      this.deps.loadSettings(), this.deps.loadRecents(), this.deps.loadFavorites(),
    ]);
    const view = list.parsed.view(signals, recents, favorites, settings);
    const total = list.environments.length;
    const reachable = new Uint8Array(total);
    for (const i of view.reachable) reachable[i] = 1;
    const shown = new Uint8Array(total);
    for (const i of view.visible) shown[i] = 1;

    // What the first screen can show, whatever is folded: favorites, the first
    // visible entries in order, and the first of each section it can reach.
    const wanted = new Set(view.favorites);
    const sections = view.sections.map((s, at) => {
      const head = at < FIRST_ROWS ? s.members.slice(0, FIRST_ROWS) : [];
      for (const i of head) wanted.add(i);
      return { key: s.key, label: s.label, count: s.members.length, head };
    });
    const preferredHead = [];
    for (const i of view.preferred) {
      if (preferredHead.length === FIRST_ROWS) break;
      if (shown[i]) preferredHead.push(i);
    }
    for (const i of preferredHead) wanted.add(i);

    const first = {
      sources: sources.digest,
      stamp: sources.stamp,
      identity,
      total,
      unreadable: list.unreadable,
      settings,
      back: view.back,
      signedIn: view.signedIn,
      current: view.current,
      enter: view.enter,
      favorites: view.favorites,
      sections,
      preferredHead,
      visibleCount: view.visible.length,
      rows: [...wanted].map((i) => [i, list.rowList[i], reachable[i]]),
    };
    // The whole view; "all" lists (the usual case) as null.
    const whole = JSON.stringify({
      preferred: view.preferred,
      favorites: view.favorites,
      sections: view.sections,
      visible: view.visible.length === total ? null : view.visible,
      reachable: view.reachable.length === total ? null : view.reachable,
    });
    const keys = () => this.scheduleKeys(identity, view.preferred, shown, reachable, list, sources);
    return { first, view: { sources: sources.digest, identity, view: whole }, keys };
  }

  /** Queues the first keys' results of `identity` (see `firstKeys`). */
  scheduleKeys(identity, preferred, shown, reachable, list, sources) {
    this.keysQueue = this.keysQueue
      .then(() => this.firstKeys(identity, preferred, shown, reachable, list, sources))
      .catch((err) => console.warn('Roleswitch: could not prepare the popup\'s first keys:', err));
  }

  /**
   * The record popup.keys:<identity>: `{ sources, keys }`, `keys` for each one-character
   * query the JSON text of `{ count, top, marks, rows }`: how many shown entries match, the
   * first ones with their highlights as the core's search gives them, and their rows. One
   * text per key, so that the popup parses only the key typed. Skipped when the list or the
   * sources changed meanwhile.
   */
  async firstKeys(identity, preferred, shown, reachable, list, sources) {
    const current = async () => this.list === list
      && (await this.session(META_KEY, { digests: {} })).digests[identity] === sources.digest;
    if (!(await current())) return;
    list.searcher ??= new this.core.Searcher(JSON.stringify(list.environments));
    const order = Uint32Array.from(preferred);
    const keys = {};
    for (const key of FIRST_KEYS) {
      const top = [];
      let count = 0;
      for (const i of list.searcher.search(key, order)) {
        if (!shown[i]) continue;
        if (top.length < FIRST_ROWS) top.push(i);
        count += 1;
      }
      keys[key] = JSON.stringify({
        count,
        top,
        marks: top.map((i) => list.searcher.highlight(i, key)),
        rows: top.map((i) => [i, list.rowList[i], reachable[i]]),
      });
      await new Promise((resolve) => setTimeout(resolve)); // let messages in between
    }
    if (!(await current())) return;
    await this.api.storage.session.set({
      [KEYS.keys(identity)]: { sources: sources.digest, keys },
    });
  }

  /**
   * Makes the records of `identities` ({ [identity]: signals }) current, and the list cache;
   * `force`: recompute the records even when they are current, and store the list cache
   * again if it is missing (the browser may clear it; otherwise it is stored again only when
   * the list changed: the caller gets the rows and the index in the result). Resolves to
   * the computed records by identity.
   */
  async ensure(identities, { force = false } = {}) {
    const sources = await this.sources();
    const meta = await this.session(META_KEY, { stamp: null, digests: {} });
    const rowsDue = meta.stamp !== sources.stamp || (force && !(await this.listCache.has(sources.stamp)));
    const due = Object.entries(identities).filter(([identity]) => force || meta.digests[identity] !== sources.digest);
    if (!rowsDue && !due.length) return { computed: {}, rows: null }; // all current: the list is not even read
    const list = await this.listData();
    if (rowsDue) {
      // Tried once per list: if it fails (no CacheStorage here), the popup finds nothing, asks
      // this worker, and that request (`force`) tries again.
      await this.listCache.write(sources.stamp, list.index)
        .catch((err) => console.warn('Roleswitch: could not store the list for the popup:', err.message));
      meta.stamp = sources.stamp;
    }
    const items = {};
    const computed = {};
    const later = []; // the first keys' records, once these are stored
    for (const [identity, signals] of due) {
      const { keys, ...records } = await this.compute(identity, signals, list, sources);
      computed[identity] = records;
      items[KEYS.first(identity)] = JSON.stringify(records.first);
      items[KEYS.view(identity)] = records.view;
      meta.digests[identity] = sources.digest;
      later.push(keys);
    }
    let stored = true;
    try {
      // The records first, the meta that says they are current last.
      if (Object.keys(items).length) await this.api.storage.session.set(items);
      await this.api.storage.session.set({ [META_KEY]: meta });
    } catch (err) {
      // Not stored (too large for storage.session): the popup asks this worker instead.
      stored = false;
      console.warn('Roleswitch: could not store what the popup shows:', err.message);
    }
    if (stored) for (const keys of later) keys();
    return { computed, rows: { stamp: sources.stamp, rows: list.rows, index: list.index } };
  }

  /** The open console tabs with their identities, without tabs that closed or left the console. */
  async liveTabs() {
    const tabs = await this.session(KEYS.tabs, {});
    const open = new Map((await this.api.tabs.query({})).map((t) => [String(t.id), t]));
    const live = {};
    for (const [id, entry] of Object.entries(tabs)) {
      if (isConsoleUrl(open.get(id)?.url ?? '')) live[id] = entry;
    }
    return live;
  }

  /** Rebuilds the records of every identity in use (and of NONE); forgets the others. */
  rebuild() {
    return this.enqueue(async () => {
      const tabs = await this.liveTabs();
      const identities = { [NONE]: null };
      const recent = Object.values(tabs).sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
      for (const { identity, signals } of recent) {
        if (Object.keys(identities).length > MAX_IDENTITIES) break;
        identities[identity] ??= signals;
      }
      await this.ensure(identities);
      const meta = await this.session(META_KEY, { stamp: null, digests: {} });
      const gone = Object.keys(meta.digests).filter((id) => !(id in identities));
      for (const id of gone) delete meta.digests[id];
      await this.api.storage.session.set({ [META_KEY]: meta, [KEYS.tabs]: tabs });
      if (gone.length) await this.api.storage.session.remove(gone.flatMap((id) => [KEYS.first(id), KEYS.view(id), KEYS.keys(id)]));
    });
  }

  /**
   * Points `tab`'s popup at `identity`, if the tab still shows a page of `url`'s origin (the
   * browser resets a tab's popup when the tab loads another document: a report that arrives
   * after its page left must not label the next one).
   */
  async pointPopup(tabId, url, identity) {
    const tab = await this.api.tabs.get(tabId).catch(() => null);
    const origin = (u) => {
      try {
        return new URL(u).origin;
      } catch {
        return null;
      }
    };
    if (!tab || origin(tab.url) === null || origin(tab.url) !== origin(url)) return;
    await this.api.action.setPopup({ tabId, popup: `popup/popup.html#${encodeURIComponent(identity)}` });
  }

  /** Notes that tab `tabId` shows a page with `signals` (its identity `identity`). */
  async remember(tabId, identity, signals) {
    const tabs = await this.session(KEYS.tabs, {});
    tabs[tabId] = { identity, signals, at: Date.now() };
    await this.api.storage.session.set({ [KEYS.tabs]: tabs });
  }

  /** A console tab's content script reported its page's `signals` (from the page at `url`). */
  report(tabId, url, signals) {
    return this.enqueue(async () => {
      const identity = this.identityOf(signals);
      await this.remember(tabId, identity, signals);
      await this.ensure({ [identity]: signals });
      await this.pointPopup(tabId, url, identity);
      return null;
    });
  }

  /**
   * The popup over `tab` could not use stored records: `{ first, view, rows }` made now
   * (and stored for the next time).
   */
  forPopup(tab) {
    return this.enqueue(async () => {
      let page = null;
      try {
        page = await this.deps.pageContext(tab);
      } catch {
        page = null; // no content script answering: no identity, as for any other page
      }
      const signals = page?.signals ?? null;
      const identity = this.identityOf(signals);
      const { computed, rows } = await this.ensure({ [identity]: signals }, { force: true });
      if (signals && tab && typeof tab.id === 'number') {
        await this.remember(tab.id, identity, signals);
        await this.pointPopup(tab.id, tab.url, identity);
      }
      return { ...computed[identity], rows };
    });
  }
}
