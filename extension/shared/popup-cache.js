// What the service worker precomputes for the popup (background/popup-cache.js)
// and how the popup tells that it is current, without waiting for the worker.
//
// In chrome.storage.session, per page identity (the core's identify() of a
// console page's signals, as JSON; NONE for any other page):
//   popup.first:<identity>  the first screen: its rows, sections and header;
//   popup.view:<identity>   the whole view (order, sections, flags), as JSON text;
//   popup.keys:<identity>   for a first key typed before the popup's search is
//                           ready: each one-character query's first rows;
// and for every identity, popup.rows.<n> and popup.index.<n>: the list as the
// core's popup rows, and the core's search index over them prepared as text,
// each cut in pieces of CHUNK characters stored as [list stamp, piece] (read in
// parallel, each piece arrives as a short task between which the popup takes
// keys), with popup.rows saying how many pieces of each there are.
// The first screen and the first keys are stored as JSON text (one string reads
// several times faster than the same data as objects). Each record names the
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
    rows: 'popup.rows',
    rowsPiece: (n) => `popup.rows.${n}`,
    indexPiece: (n) => `popup.index.${n}`,
    first: (identity) => `popup.first:${identity}`,
    view: (identity) => `popup.view:${identity}`,
    keys: (identity) => `popup.keys:${identity}`,
    // Which identity each console tab is in: { [tabId]: identity } (worker only).
    tabs: 'popup.tabs',
  });

  /** Characters per stored piece of the rows and of the search index. */
  const CHUNK = 256 * 1024;

  /** `text` cut in pieces of CHUNK characters (none for empty text). */
  function pieces(text) {
    const out = [];
    for (let at = 0; at < text.length; at += CHUNK) out.push(text.slice(at, at + CHUNK));
    return out;
  }

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

  RS.popupCache = Object.freeze({ NONE, FIRST_ROWS, FIRST_KEYS, KEYS, CHUNK, pieces, SOURCES, listStamp, sourcesDigest });
})();
