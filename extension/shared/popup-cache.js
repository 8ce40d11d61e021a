// What the service worker precomputes for the popup (background/popup-cache.js)
// and how the popup tells that it is current, without waiting for the worker.
//
// In chrome.storage.session, per page identity (the core's identify() of a
// console page's signals, as JSON; NONE for any other page):
//   popup.first:<identity>  the first screen: its rows, sections and header;
//   popup.view:<identity>   the whole view (order, sections, flags), as JSON text;
//   popup.keys:<identity>   for a first key typed before the popup's search is
//                           ready: each one-character query's first rows, one
//                           JSON text per character (the popup parses the one typed).
//
// The list cache (`listCache`, in the extension's CacheStorage, not in
// storage.session): the core's search index over the list prepared as text
// (format RSX4, src/popup/search/prepared.rs), which holds every entry's row as
// the popup draws it, one response with the list's stamp in a header. The popup
// reads it as one body, which arrives in a few tasks (from storage.session, 4 to
// 5 MB of text at 20,000 entries came as a dozen pieces, each a task of several
// ms on the popup's thread: keys typed meanwhile waited), and hands it to its
// search's wasm as the UTF-8 bytes it is stored as; rows beyond the first screen
// come from there. Derived data: rebuilt by the worker whenever it is missing or
// not of the stored list.
//
// The first screen is stored as JSON text (one string reads several times faster
// than the same data as objects); the first keys as `{ sources, keys }`, one JSON
// text per character, so that the popup parses only the key typed. Each record names the
// sources it was made from (`sourcesDigest`): the list's
// stored checksum and revision, entries set aside, recents, favorites and
// settings, as stored. The popup reads the same sources alongside and uses a
// record only when they agree; otherwise it asks the worker.
//
// A console tab's popup is opened as popup.html#<identity> (action.setPopup
// per tab, which the browser resets when the tab loads another document), so
// the popup knows whose first screen to read with no message and no tab query.
// Loaded as a classic script by the popup and imported by the service worker.
(() => {
  const RS = (globalThis.RS = globalThis.RS || {});

  const NONE = 'none';
  /** Rows the popup draws before it scrolls (popup.js: VIEWPORT / ROW rounded up, plus OVERSCAN). */
  const FIRST_ROWS = 14;
  const KEYS = Object.freeze({
    first: (identity) => `popup.first:${identity}`,
    view: (identity) => `popup.view:${identity}`,
    keys: (identity) => `popup.keys:${identity}`,
    // Which identity each console tab is in: { [tabId]: identity } (worker only).
    tabs: 'popup.tabs',
  });

  /** The list cache: a CacheStorage cache of one response (never fetched: a name only). */
  const LIST_CACHE = 'roleswitch-popup-list';
  const INDEX_URL = 'https://roleswitch.invalid/popup/index';
  const STAMP_HEADER = 'x-roleswitch-stamp';
  const isOf = (response, stamp) => response?.headers.get(STAMP_HEADER) === encodeURIComponent(stamp);

  /**
   * The prepared search index of the list with stamp `stamp`, as the worker wrote it
   * (`listCache.write`), in CacheStorage. Each read resolves to null when the entry is
   * missing, of another list, or the cache cannot be used here.
   */
  const listCache = Object.freeze({
    /** Stores `index` (text) for the list with `stamp`, and only that. */
    async write(stamp, index) {
      const cache = await globalThis.caches.open(LIST_CACHE);
      const headers = { [STAMP_HEADER]: encodeURIComponent(stamp), 'content-type': 'text/plain; charset=utf-8' };
      await cache.put(INDEX_URL, new Response(index, { headers }));
      // What an earlier version stored besides (the rows, now in the index).
      for (const request of await cache.keys()) if (request.url !== INDEX_URL) await cache.delete(request);
    },
    /**
     * Starts looking up the stored response, without reading it: `read` takes the result
     * (the popup looks it up as it opens, before it knows the stamp it wants).
     */
    async find() {
      try {
        return (await (await globalThis.caches.open(LIST_CACHE)).match(INDEX_URL)) ?? null;
      } catch {
        return null; // no CacheStorage here (or it failed): the popup asks the worker
      }
    },
    /**
     * The index's UTF-8 bytes (Uint8Array) for the list with `stamp`, or null (`found`:
     * what `find` started, else now).
     */
    async read(stamp, found = this.find()) {
      try {
        const index = await found;
        return isOf(index, stamp) ? new Uint8Array(await index.arrayBuffer()) : null;
      } catch {
        return null;
      }
    },
    /** Whether the index is stored for `stamp`. */
    async has(stamp) {
      return isOf(await this.find(), stamp);
    },
  });

  /** The first keys whose results are stored: every printable ASCII character. */
  const FIRST_KEYS = Object.freeze(Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)));

  /**
   * The stored items the records are made from, per storage area. `teamRevision` changes
   * with the subscribed lists and the local choices about their entries (background/subscriptions.js).
   */
  const SOURCES = Object.freeze({ local: ['envs', 'setAside', 'recents', 'teamRevision'], sync: ['favorites', 'settings'] });

  /**
   * The list's stamp: the personal list's stored checksum and revision (the `envs` item of
   * storage.local) and the team lists' revision: the popup shows the list merged from both.
   */
  function listStamp(local) {
    return JSON.stringify([local.envs?.checksum ?? null, local.envs?.revision ?? null, local.teamRevision ?? null]);
  }

  /** Every source of the records, as stored (`local` and `sync`: the SOURCES items). */
  function sourcesDigest(local, sync) {
    return JSON.stringify([
      listStamp(local),
      Array.isArray(local.setAside) ? local.setAside.length : 0,
      local.recents ?? null,
      sync.favorites ?? null,
      sync.settings ?? null,
    ]);
  }

  /**
   * The popup's folded groups (storage.local, written by the worker): their sections' keys. Not
   * a source of the records: the popup folds the sections itself, and reads this alongside them.
   */
  const COLLAPSED_KEY = 'popupCollapsed';

  RS.popupCache = Object.freeze({ NONE, FIRST_ROWS, FIRST_KEYS, KEYS, COLLAPSED_KEY, listCache, SOURCES, listStamp, sourcesDigest });
})();
