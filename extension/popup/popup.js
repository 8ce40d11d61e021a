// The toolbar popup: type to filter, ↑/↓ to choose, Enter to switch, Esc to close.
// The order (favorites, then reachable from the signed-in account, recently used
// first), which entries show, the sections for an empty filter (favorites, then
// one per group) and the way back to the base account come from the core through
// the service worker. Production asks for a second Enter.
//
// Nothing waits for the worker or for the page: the worker precomputes, for each
// console page's identity, the first screen, the whole view and the list's search index
// with its rows (background/popup-cache.js, shared/popup-cache.js). This script runs as the page is
// parsed (the last element of its body) and reads the first screen at once; it paints
// it, and then reads the rest and starts the core's search (a small wasm of its own).
// Each record says what it was made from, and the popup uses it only when the stored
// list, favorites, recents and settings agree; else it asks the worker, which makes
// them now.
//
// The list is virtualised: rows have a fixed height, the list element is as tall
// as all of them, and only the rows in (or near) the scroll viewport are in the
// DOM. A keystroke is one search call plus the visible rows' highlights.
// A classic script, as are its helpers (shared/api.js, protocol.js, hosts.js,
// popup-cache.js, popup/rows.js and the search's glue pkg/popup_search.js, loaded just
// before it): a module would run only after the page is parsed, and nothing here waits
// for a module graph.
(() => {
performance.mark('roleswitch:script'); // this script starts
const { api, protocol } = globalThis.RS;
const { MSG } = protocol;
const { NONE, KEYS, COLLAPSED_KEY, SOURCES, listCache, listStamp, sourcesDigest } = globalThis.RS.popupCache;
const { isConsoleUrl } = globalThis.RS.hosts;
const { decodeHighlights, readRow } = globalThis.RS.popupRows;
const $ = (id) => document.getElementById(id);

const ROW = 46; // px, every row (see popup.css)
const VIEWPORT = 420; // px, the scroller's max-height (see popup.css)
const OVERSCAN = 4; // rows drawn beyond each edge of the viewport
const PAGE = Math.floor(VIEWPORT / ROW) - 1; // rows PageUp/PageDown move
const BACK = -1; // the way back to the base account
// Where versions before kept the folded groups: this page's localStorage (taken over once).
const LEGACY_COLLAPSED_KEY = 'roleswitch.collapsedSections';

const EMPTY_VIEW = { preferred: [], favorites: [], sections: [], back: null, signedIn: null, current: null };

let total = 0; // environments in the list
// Per environment index, its row as stored with the first screen and the first keys (sparse:
// once the search is loaded, the other rows come from it).
let rowText = [];
let decoded = new Map(); // environment index -> readRow() of it, for the rows drawn
let searcher = null; // the core's search over the rows (popup wasm), once the whole list is here
let shownOrder = []; // the entries to show, in the preferred order (sparse until the whole list is here)
let stamp = null; // the list's stamp the rows were made from
let firstSources = null; // the sources the first screen drawn was made from
// The stored first keys' record as read, or null: `{ sources, keys: { [character]: text } }`,
// each key's results the JSON text of `{ count, top, marks, rows }`, parsed when typed.
let storedKeys = null;
let shownQuery = ''; // the query the items are for (the typed one can be ahead, until searchable)
let wholeReady = deferred(); // resolves once the whole view and every row are here
// What the list shows, in order: an environment index, BACK, or a section header object.
let items = [];
let sectionAt = []; // per item with sections: the index of its section in view.sections
let headerAt = []; // per section shown: the position of its header in items
let selected = 0;
let query = '';
let marks = new Map(); // highlight ranges for `query`, per environment index, as rows are drawn
let view = EMPTY_VIEW;
let settings = { confirmProduction: true, reachableOnly: false };
// What Enter and Shift+Enter do on this page (the core's, from the setting and the page).
let enterKeys = { enter: 'switchHere', shiftEnter: 'openAlongside' };
const KEY_WORDS = { switchHere: 'switch', openAlongside: 'open alongside' };
let shownFlag = new Uint8Array(0); // per environment: shown (once the whole list is here)
let reachableFlag = new Uint8Array(0);
let favoriteFlag = new Uint8Array(0);
// The folded groups' section keys, read with the first screen's sources (storage.local: reading
// this page's localStorage, as before, held up the start of this script by a round trip).
let collapsed = new Set();
let legacyCollapsed = false; // none stored yet: an older version's may be in localStorage
let confirming = null; // index of the production environment waiting for a second Enter
// Five sessions are open: `{ offers: [{ tabId, label }], sameAccount }` to pick one from.
let offer = null;
let busy = false; // a switch is on its way
// The scroller's scrollTop as last set or scrolled to: drawing reads this rather than the
// element, which would lay out the page in the middle of the first screen's script.
let viewTop = 0;
let loaded = false;

/** Environment `index` as drawn (`readRow`), or undefined before its row is here. */
function env(index) {
  let entry = decoded.get(index);
  if (entry === undefined) {
    const text = rowText[index] ?? searcher?.row(index);
    if (text === undefined) return undefined;
    entry = readRow(text);
    decoded.set(index, entry);
  }
  return entry;
}

/** The section keys in `stored` (an array, as stored), as a set. */
function collapsedFrom(stored) {
  return new Set(Array.isArray(stored) ? stored.filter((k) => typeof k === 'string') : []);
}

/** Keeps the folded groups for the next opening (the worker stores them). */
function saveCollapsed() {
  return protocol.send(MSG.POPUP_BG_SET_COLLAPSED, { keys: [...collapsed] });
}

/**
 * Takes over the groups an older version folded (in this page's localStorage), once: after the
 * first screen, which is drawn again if they change it. The old item goes once they are stored.
 */
async function takeLegacyCollapsed() {
  legacyCollapsed = false;
  let keys = [];
  try {
    keys = [...collapsedFrom(JSON.parse(localStorage.getItem(LEGACY_COLLAPSED_KEY) ?? '[]'))];
  } catch {
    // Unreadable: nothing to take over.
  }
  const added = keys.filter((key) => !collapsed.has(key));
  for (const key of added) collapsed.add(key);
  try {
    await saveCollapsed();
    localStorage.removeItem(LEGACY_COLLAPSED_KEY);
  } catch (err) {
    console.warn('Roleswitch: the folded groups could not be kept:', err.message);
  }
  if (added.length && !query && sectionAt.length) rebuildKeepingSelection();
}

function showStatus(message, isError = false) {
  $('status').textContent = message;
  $('status').classList.toggle('error', isError);
}

const isHeader = (item) => typeof item === 'object';

/** Where `item` is in the items now (a header by its section's key), or -1. */
function positionOf(item) {
  if (!isHeader(item)) return item === undefined ? -1 : items.indexOf(item);
  return items.findIndex((other) => isHeader(other) && other.key === item.key);
}

// What each drawn element shows (setMarked, fillEnvRow), so that a row drawn again for the
// next key changes only what differs: its elements stay, and the browser styles only new ones.
const shown = new WeakMap();

/** Sets `span`'s text, with the matched ranges (UTF-16 offsets from the core) in <mark>. */
function setMarked(span, text, ranges = []) {
  const key = ranges.length ? `${text}\u0000${ranges.map((r) => `${r.start}-${r.end}`).join(',')}` : text;
  if (shown.get(span) === key) return;
  shown.set(span, key);
  if (!ranges.length) {
    span.textContent = text;
    return;
  }
  const parts = [];
  let at = 0;
  for (const { start, end } of ranges) {
    parts.push(text.slice(at, start));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    parts.push(mark);
    at = end;
  }
  parts.push(text.slice(at));
  span.replaceChildren(...parts);
}

function span(className) {
  const element = document.createElement('span');
  element.className = className;
  return element;
}

/** A row of the list at `position`: an option or a group's header. */
function row(position) {
  const li = document.createElement('li');
  li.id = `env-${position}`;
  li.className = 'row';
  li.style.top = `${position * ROW}px`;
  li.addEventListener('mousemove', () => { if (selected !== position) select(position); });
  return li;
}

// Options are counted without the group headers, which are not options.
const optionCount = () => items.length - headerAt.length;
const optionNumber = (position) => position - (sectionAt[position] >= 0 ? sectionAt[position] + 1 : 0);

function optionRow(position) {
  const li = row(position);
  li.role = 'option';
  placeOption(li, position);
  return li;
}

/** Sets option `li`'s place in the list (at `position`) and whether it is selected. */
function placeOption(li, position) {
  setAttribute(li, 'aria-setsize', String(optionCount()));
  setAttribute(li, 'aria-posinset', String(optionNumber(position) + 1));
  setAttribute(li, 'aria-selected', String(position === selected));
}

function setAttribute(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Text for assistive technology only (see .visually-hidden in ui.css). */
function hiddenText(text, className = '') {
  const span = document.createElement('span');
  span.className = `visually-hidden ${className}`.trim();
  span.textContent = text;
  return span;
}

function backRow(position) {
  const { back } = view;
  const li = optionRow(position);
  li.classList.add('back');
  const text = document.createElement('span');
  text.className = 'text';
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = `Back to ${back.label}`;
  const sub = document.createElement('span');
  sub.className = 'sub';
  sub.textContent = back.switchable
    ? 'the base account this environment is reached from'
    : 'signed in as an IAM user: use “Switch back” in the console’s account menu';
  text.append(name, sub);
  li.append(text);
  li.addEventListener('click', () => activate(position, enterKeys.enter === 'openAlongside'));
  return li;
}

const environmentCount = (n) => `${n} ${n === 1 ? 'environment' : 'environments'}`;

/**
 * A group of the list (ARIA's grouped listbox): its header, which is not an option but
 * labels the group, then the group's options as they are drawn. The group has no box of
 * its own: its rows are placed against #list like the others.
 */
function groupOf(headerPosition, section) {
  const group = document.createElement('ul');
  group.role = 'group';
  group.className = 'group';
  group.setAttribute('aria-labelledby', `env-${headerPosition}`);
  group.setAttribute('aria-expanded', String(!collapsed.has(section.key)));
  group.append(headerRow(headerPosition, section));
  return group;
}

function headerRow(position, section) {
  const li = row(position);
  const open = !collapsed.has(section.key);
  li.role = 'presentation';
  li.classList.add('section');
  li.classList.toggle('selected', position === selected);
  const chevron = document.createElement('span');
  chevron.className = 'chevron';
  chevron.setAttribute('aria-hidden', 'true');
  chevron.textContent = open ? '▾' : '▸';
  const label = document.createElement('span');
  label.className = 'section-label';
  label.textContent = section.label;
  const count = document.createElement('span');
  count.className = 'count';
  count.append(String(section.members.length), hiddenText(section.members.length === 1 ? ' environment' : ' environments'));
  li.append(chevron, label, count);
  li.addEventListener('click', () => toggleSection(section.key, position));
  return li;
}

/** What is said when a group's header is selected (it is not an option to point at). */
function headerAnnouncement(section) {
  const open = !collapsed.has(section.key);
  return `${section.label}, ${environmentCount(section.members.length)}, ${open ? 'expanded' : 'collapsed'}. `
    + `Enter or ${open ? '← collapses' : '→ expands'} the group.`;
}

function envRow(position, index) {
  const li = optionRow(position);
  li.addEventListener('click', () => activate(position, enterKeys.enter === 'openAlongside'));
  fillEnvRow(li, position, index);
  return li;
}

const UNREACHABLE = 'Not reached from the account you are signed in to';

/**
 * Shows environment `index` in option `li` at `position`, made by envRow for this position and
 * perhaps showing another environment: its elements are kept and only what differs is set.
 */
function fillEnvRow(li, position, index) {
  placeOption(li, position);
  const entry = env(index);
  let parts = shown.get(li);
  if (!entry) {
    // Beyond the first screen, until the whole list is here.
    if (parts) li.replaceChildren();
    shown.delete(li);
    delete li.dataset.id;
    li.classList.remove('unreachable');
    li.removeAttribute('title');
    return;
  }
  if (!parts) {
    parts = { swatch: span('swatch'), name: span('name'), account: span('account'), role: span('role'), badge: null, starred: null, color: null };
    const text = span('text');
    const sub = span('sub');
    sub.append(parts.account, ' · ', parts.role);
    text.append(parts.name, sub);
    li.replaceChildren(parts.swatch, text);
    shown.set(li, parts);
  }
  if (li.dataset.id !== entry.id) li.dataset.id = entry.id;
  let ranges = null;
  if (query) {
    ranges = marks.get(index);
    if (!ranges && searcher) marks.set(index, (ranges = decodeHighlights(searcher.highlight(index, query))));
  }
  if (parts.color !== entry.color) {
    parts.swatch.style.setProperty('--swatch', entry.color);
    parts.color = entry.color;
  }
  setMarked(parts.name, entry.displayName, ranges?.displayName);
  setMarked(parts.account, entry.account, ranges?.accountId);
  setMarked(parts.role, entry.roleName, ranges?.roleName);
  // The badge after the text, the hidden ", starred" last.
  if (entry.production && !parts.badge) {
    parts.badge = span('badge-prod');
    parts.badge.textContent = 'PROD';
    parts.swatch.nextSibling.after(parts.badge);
  } else if (!entry.production && parts.badge) {
    parts.badge.remove();
    parts.badge = null;
  }
  if (favoriteFlag[index] === 1 && !parts.starred) {
    parts.starred = hiddenText(', starred', 'starred');
    li.append(parts.starred);
  } else if (favoriteFlag[index] !== 1 && parts.starred) {
    parts.starred.remove();
    parts.starred = null;
  }
  const unreachable = !reachableFlag[index];
  if (li.classList.contains('unreachable') !== unreachable) li.classList.toggle('unreachable', unreachable);
  if (unreachable) setAttribute(li, 'title', UNREACHABLE);
  else li.removeAttribute('title');
}

/**
 * The star of environment `index`, drawn at `position`: a button of its own over the row's
 * right edge, not inside the option (an option holds no control). Ctrl+D does the same.
 */
function starButton(position, index) {
  const star = document.createElement('button');
  star.className = 'star';
  star.tabIndex = -1;
  star.dataset.row = `env-${position}`;
  star.style.top = `${position * ROW}px`;
  star.addEventListener('mousedown', (event) => event.preventDefault()); // keep the filter focused
  star.addEventListener('mousemove', () => { if (selected !== position) select(position); });
  star.addEventListener('click', () => toggleFavorite(shown.get(star)));
  fillStar(star, index);
  return star;
}

/** Shows the star of environment `index` on `star` (made by starButton for its position). */
function fillStar(star, index) {
  shown.set(star, index);
  const { displayName } = env(index);
  const starred = favoriteFlag[index] === 1;
  setText(star, starred ? '★' : '☆');
  setAttribute(star, 'title', starred ? 'Unstar (Ctrl+D)' : 'Star: pin to the top (Ctrl+D)');
  setAttribute(star, 'aria-label', starred ? `Unstar ${displayName}` : `Star ${displayName}`);
  setAttribute(star, 'aria-pressed', String(starred));
}

// Whether the rows drawn last were drawn by drawFlat, each at its position (ungrouped).
let flatDrawn = false;

/** Draws the rows in and near the viewport (and the selected one, for aria-activedescendant). */
function drawRows() {
  const top = viewTop;
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + VIEWPORT) / ROW) + OVERSCAN);
  // Ascending: a group's rows follow each other, its header first (drawn with any of its
  // rows, since it labels the group).
  const positions = [];
  if (selected < first && selected < items.length) positions.push(selected);
  for (let p = first; p < last; p++) positions.push(p);
  if (selected >= last && selected < items.length) positions.push(selected);
  if (sectionAt.length) drawGrouped(positions);
  else drawFlat(positions);
  pointAtSelected();
}

/**
 * Draws the rows at `positions` (ascending) of an ungrouped list (a query's matches, or a list
 * of one section): a row drawn at the same position before is kept and shows its item now, so
 * that a key changes the text of the rows it keeps rather than making new ones for the browser
 * to style.
 */
function drawFlat(positions) {
  const list = $('list');
  const starBox = $('stars');
  const wanted = new Set(positions);
  const keptRows = new Map();
  const keptStars = new Map();
  for (const [box, kept] of [[list, keptRows], [starBox, keptStars]]) {
    for (const element of [...box.children]) {
      const position = flatDrawn ? drawnAt.get(element) : undefined;
      if (position !== undefined && wanted.has(position)) kept.set(position, element);
      else element.remove();
    }
  }
  // What is left is in ascending order: each new element goes before the next one kept.
  let nextRow = list.firstElementChild;
  let nextStar = starBox.firstElementChild;
  for (const p of positions) {
    const item = items[p];
    let li = keptRows.get(p);
    if (li && (item === BACK || li.classList.contains('back'))) {
      // The way back is drawn anew (one row, seldom there).
      nextRow = li.nextElementSibling;
      li.remove();
      keptRows.delete(p);
      li = undefined;
    }
    if (li) {
      fillEnvRow(li, p, item);
      nextRow = li.nextElementSibling;
    } else {
      li = item === BACK ? backRow(p) : envRow(p, item);
      drawnAt.set(li, p);
      list.insertBefore(li, nextRow);
    }
    let star = keptStars.get(p);
    if (item !== BACK && env(item)) {
      if (star) {
        fillStar(star, item);
        nextStar = star.nextElementSibling;
      } else {
        star = starButton(p, item);
        drawnAt.set(star, p);
        starBox.insertBefore(star, nextStar);
      }
    } else if (star) {
      if (nextStar === star) nextStar = star.nextElementSibling;
      star.remove();
    }
  }
  flatDrawn = true;
}

// Per element drawFlat drew: its position.
const drawnAt = new WeakMap();

/** Draws the rows at `positions` (ascending) of a grouped list, all anew. */
function drawGrouped(positions) {
  const rows = [];
  const stars = [];
  let group = null;
  let groupSection = -1;
  for (const p of positions) {
    const item = items[p];
    const s = sectionAt[p] ?? -1;
    if (s < 0) group = null;
    else if (s !== groupSection || !group) {
      group = groupOf(headerAt[s], view.sections[s]);
      groupSection = s;
      rows.push(group);
    }
    if (isHeader(item)) continue; // drawn with its group
    const li = item === BACK ? backRow(p) : envRow(p, item);
    if (group) group.append(li);
    else rows.push(li);
    if (item !== BACK && env(item)) stars.push(starButton(p, item));
  }
  $('list').replaceChildren(...rows);
  $('stars').replaceChildren(...stars);
  flatDrawn = false;
}

/**
 * Tells assistive technology what is selected: the filter (a combobox) points at the
 * selected option; a selected group header is no option, so it is announced instead.
 */
function pointAtSelected() {
  const filterBox = $('filter');
  filterBox.setAttribute('aria-expanded', String(items.length > 0));
  const item = items[selected];
  let announcement = '';
  if (item !== undefined && isHeader(item)) {
    filterBox.removeAttribute('aria-activedescendant');
    announcement = headerAnnouncement(item);
  } else if (items.length) {
    filterBox.setAttribute('aria-activedescendant', `env-${selected}`);
  } else {
    filterBox.removeAttribute('aria-activedescendant');
  }
  if ($('announce').textContent !== announcement) $('announce').textContent = announcement;
}

/**
 * Sets `element`'s text or `hidden` only when it changes: a text set again is a new text node,
 * which the browser lays out again (on every key, for the header's line and the rest).
 */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/** Lays out the whole list (height, empty states) and draws the visible rows. */
function render() {
  const height = `${items.length * ROW}px`;
  if ($('list').style.height !== height) $('list').style.height = height;
  setText($('signed-in'), view.signedIn ? `Signed in: ${view.signedIn}` : '');
  setHidden($('signed-in'), !view.signedIn);
  setHidden($('empty'), total > 0);
  setHidden($('filter').parentElement, total === 0);
  setHidden($('help'), total === 0);
  setHidden($('no-match'), !(total && !items.length && shownQuery === query));
  setText($('no-match-query'), query);
  selected = Math.min(selected, Math.max(items.length - 1, 0));
  scrollToSelected();
  drawRows();
}

/** Scrolls the list to `top` (px); a scroll event then draws the rows there. */
function scrollTo(top) {
  if (top === viewTop) return;
  viewTop = top;
  $('scroller').scrollTop = top;
}

function scrollToSelected() {
  const top = selected * ROW;
  if (top < viewTop) scrollTo(top);
  else if (top + ROW > viewTop + VIEWPORT) scrollTo(top + ROW - VIEWPORT);
}

function cancelConfirm() {
  if (confirming === null) return;
  confirming = null;
  $('confirm').hidden = true;
  $('confirm').textContent = '';
}

function select(position) {
  if (position !== selected) cancelConfirm();
  selected = position;
  scrollToSelected(); // a scroll redraws the rows (scroll event)
  if (!$(`env-${position}`)) {
    drawRows();
    return;
  }
  // Drawn already: only the selection moves (redrawing under the mouse would eat clicks).
  for (const li of $('list').querySelectorAll('[role=option]')) li.setAttribute('aria-selected', String(li.id === `env-${position}`));
  for (const li of $('list').querySelectorAll('.section')) li.classList.toggle('selected', li.id === `env-${position}`);
  pointAtSelected();
}

/** The items for the current query: ranked matches, or for an empty query the sections. */
function buildItems() {
  sectionAt = [];
  headerAt = [];
  if (!query) {
    // Whole arrays at once (concat, fill): before the whole list is here, most of them
    // are holes, and this runs before the first paint.
    const parts = view.back ? [[BACK]] : [];
    const spans = view.back ? [[-1, 1]] : [];
    // Headers only when there is more than one section to tell apart.
    const sections = view.sections.length > 1 ? view.sections : [];
    if (!sections.length) {
      items = (view.back ? [BACK] : []).concat(shownOrder);
      return;
    }
    sections.forEach((section, s) => {
      const members = collapsed.has(section.key) ? [] : section.members;
      parts.push([section], members);
      spans.push([s, 1 + members.length]);
    });
    items = [].concat(...parts);
    sectionAt = new Array(items.length);
    let at = 0;
    for (const [s, count] of spans) {
      sectionAt.fill(s, at, at + count);
      if (s >= 0) headerAt[s] = at;
      at += count;
    }
    return;
  }
  items = [];
  for (const i of searcher.search(query)) if (shownFlag[i]) items.push(i);
}

/** The first position that is not a section header. */
function firstEntry() {
  const at = items.findIndex((item) => !isHeader(item));
  return at < 0 ? 0 : at;
}

function filter() {
  query = $('filter').value.trim();
  // The search has caps (words, characters): say when it leaves part of the query out.
  const note = query && queryNote ? queryNote(query) : undefined;
  setText($('query-note'), note ?? '');
  setHidden($('query-note'), !note);
  if (query && !searcher) {
    // Not searchable yet (a few ms after opening). A first key's results were stored
    // by the worker; anything else stays as it is, and is filtered once the search is ready.
    const early = storedKey(query);
    if (!early) return;
    if (!performance.getEntriesByName('roleswitch:first-key').length) performance.mark('roleswitch:first-key');
    marks = new Map(early.top.map((i, k) => [i, early.marks[k]]));
    items = partial(early.top, early.count);
    sectionAt = [];
    headerAt = [];
    shownQuery = query;
    cancelConfirm();
    selected = 0;
    scrollTo(0);
    render();
    return;
  }
  marks = new Map();
  buildItems();
  shownQuery = query;
  cancelConfirm();
  selected = firstEntry(); // the best match
  scrollTo(0);
  render();
}

function toggleSection(key, position = selected) {
  if (collapsed.has(key)) collapsed.delete(key);
  else collapsed.add(key);
  saveCollapsed().catch((err) => showStatus(`The folded groups could not be kept: ${err.message}`, true));
  // Keep the header selected where it was.
  const header = items[position];
  buildItems();
  selected = isHeader(header) ? Math.max(0, positionOf(header)) : Math.max(0, Math.min(position, items.length - 1));
  render();
}

/** Folds (open = false) or unfolds the section of the selected row. */
function foldSelected(open) {
  if (query || !sectionAt.length) return false;
  const s = sectionAt[selected];
  if (s === undefined || s < 0) return false;
  const section = view.sections[s];
  if (collapsed.has(section.key) === !open) return false;
  toggleSection(section.key, headerAt[s]);
  return true;
}

/** A promise (`value`) with its `resolve`, and `done` once resolved; awaitable itself. */
function deferred() {
  let resolve;
  const value = new Promise((r) => { resolve = r; });
  return {
    value,
    done: false,
    resolve(v) {
      this.done = true;
      resolve(v);
    },
    then: (onFulfilled, onRejected) => value.then(onFulfilled, onRejected),
  };
}

/** A list of `count` entries of which the first ones, `head`, are known (the rest holes). */
function partial(head, count) {
  const out = new Array(count);
  head.forEach((i, k) => { out[k] = i; });
  return out;
}

/** Takes the first screen's record: what the popup draws before the rest is here. */
function takeFirst(first) {
  searcher?.free(); // of another list, if any
  searcher = null;
  firstSources = first.sources;
  total = first.total;
  stamp = first.stamp;
  rowText = new Array(total);
  decoded = new Map();
  if (wholeReady.done) wholeReady = deferred();
  reachableFlag = new Uint8Array(total);
  favoriteFlag = new Uint8Array(total);
  shownFlag = new Uint8Array(total);
  for (const [i, row, reachable] of first.rows) {
    rowText[i] = row;
    reachableFlag[i] = reachable;
  }
  for (const i of first.favorites) favoriteFlag[i] = 1;
  view = {
    preferred: [],
    favorites: first.favorites,
    sections: first.sections.map((s) => ({ key: s.key, label: s.label, members: partial(s.head, s.count) })),
    back: first.back,
    signedIn: first.signedIn,
    current: first.current,
  };
  shownOrder = partial(first.preferredHead, first.visibleCount);
  settings = first.settings;
  if (first.enter) enterKeys = first.enter;
  $('help-enter').textContent = KEY_WORDS[enterKeys.enter];
  $('help-shift-enter').textContent = KEY_WORDS[enterKeys.shiftEnter];
  showStatus(first.unreadable ? `${first.unreadable} stored entries could not be read; see Options.` : '', first.unreadable > 0);
}

/**
 * What the worker stored for the one-character `query`, typed before the search is ready:
 * `{ count, top, marks }`, its rows taken; undefined when there is none, or it is not of the
 * first screen drawn. Only that key's text is parsed (a few rows), in the key's own task.
 */
function storedKey(query) {
  if (searcher || storedKeys?.sources !== firstSources) return undefined;
  const text = storedKeys.keys?.[query];
  const entry = typeof text === 'string' ? parseRecord(text) : null;
  if (!entry) return undefined;
  for (const [i, row, reachable] of entry.rows) {
    if (rowText[i] !== undefined) continue;
    rowText[i] = row;
    reachableFlag[i] = reachable;
  }
  return entry;
}

/** Takes the whole view (`next`, parsed). */
function takeWhole(next) {
  view = { ...view, preferred: next.preferred, favorites: next.favorites, sections: next.sections };
  shownFlag = new Uint8Array(total).fill(next.visible ? 0 : 1);
  for (const i of next.visible ?? []) shownFlag[i] = 1;
  reachableFlag = new Uint8Array(total).fill(next.reachable ? 0 : 1);
  for (const i of next.reachable ?? []) reachableFlag[i] = 1;
  favoriteFlag = new Uint8Array(total);
  for (const i of next.favorites) favoriteFlag[i] = 1;
  shownOrder = next.visible ? next.preferred.filter((i) => shownFlag[i]) : next.preferred;
  wholeReady.resolve();
  searcher?.setPreferred(Uint32Array.from(view.preferred));
}

async function toggleFavorite(index) {
  const entry = env(index);
  if (!entry) return;
  try {
    await wholeReady; // the new view is taken as a whole
    const fresh = await protocol.send(MSG.POPUP_BG_TOGGLE_FAVORITE, { id: entry.id });
    if (fresh.first.stamp !== stamp) {
      // The list itself changed meanwhile: start over with all of it.
      await load({ ask: true });
      return;
    }
    takeWhole(JSON.parse(fresh.view.view));
    buildItems();
    // Stay on the same environment, wherever it moved.
    const at = items.indexOf(index);
    selected = at >= 0 ? at : firstEntry();
    render();
    showStatus(favoriteFlag[index] ? `Starred ${entry.displayName}: pinned to the top.` : `Unstarred ${entry.displayName}.`);
  } catch (err) {
    showStatus(err.message, true);
  }
}

async function send(payload, label) {
  busy = true;
  showStatus(`Switching to ${label}…`);
  try {
    const result = await protocol.send(MSG.POPUP_BG_SWITCH, payload);
    if (result.outcome === 'full') {
      showOffer(result);
    } else if (result.message) {
      // Shown until the popup is closed (a fallback) or the user acts (a refusal).
      showStatus(result.message, result.outcome === 'refused');
      if (result.outcome === 'page') setTimeout(() => window.close(), 5000);
    } else {
      window.close();
    }
  } catch (err) {
    showStatus(err.message, true);
  } finally {
    busy = false;
  }
}

/**
 * Switches into environment `index` (BACK: the way back); production asks first.
 * `alongside`: a new session in a new tab, this one kept (Shift+Enter).
 */
async function switchTo(index, alongside = false) {
  if (index === undefined || busy) return;
  if (index === BACK) {
    if (view.back.switchable) await send({ id: view.back.envId, back: true }, view.back.label);
    else showStatus('Use “Switch back” in the console’s account menu to return to your IAM user.');
    return;
  }
  const entry = env(index);
  if (!entry) return; // not here yet: a few ms after opening
  if (entry.production && settings.confirmProduction && confirming !== index) {
    confirming = index;
    $('confirm').textContent =
      `Switch into PRODUCTION ${entry.displayName} (${entry.account})? Enter to confirm, Esc to cancel.`;
    $('confirm').hidden = false;
    return;
  }
  cancelConfirm();
  await send(alongside ? { id: entry.id, alongside } : { id: entry.id }, entry.displayName);
}

/**
 * The console holds five sessions and five are open: says so, and offers to go to one of
 * them (1–5; Enter: the one in the environment's account, when there is one).
 */
function showOffer({ message, offers, sameAccount }) {
  offer = { offers, sameAccount };
  const box = $('confirm');
  box.textContent = '';
  box.append(message);
  const list = document.createElement('ol');
  list.id = 'session-offers';
  offers.forEach(({ label }, i) => {
    const li = document.createElement('li');
    li.textContent = i === sameAccount ? `${label} (Enter)` : label;
    list.append(li);
  });
  const keys = `Press 1–${offers.length} to go there${sameAccount === null ? '' : ', Enter for the one in this account'}, Esc to cancel.`;
  box.append(list, keys);
  box.hidden = false;
  showStatus('');
}

function cancelOffer() {
  offer = null;
  $('confirm').hidden = true;
  $('confirm').textContent = '';
}

/** Goes to offered session `at` (its position in the offer). */
async function takeOffer(at) {
  const chosen = offer?.offers[at];
  if (!chosen) return;
  cancelOffer();
  try {
    await protocol.send(MSG.POPUP_BG_GO_TO_SESSION, { tabId: chosen.tabId });
    window.close();
  } catch (err) {
    showStatus(err.message, true);
  }
}

/** Enter or a click on row `position`: a header folds, an environment switches (`alongside`: Shift+Enter). */
function activate(position, alongside = false) {
  const item = items[position];
  if (item === undefined) return;
  if (isHeader(item)) {
    toggleSection(item.key, position);
    return;
  }
  if (position !== selected) select(position);
  switchTo(item, alongside);
}

$('filter').addEventListener('input', () => {
  if (loaded) filter(); // else load() filters once the first screen is in
});
$('scroller').addEventListener('scroll', () => {
  viewTop = $('scroller').scrollTop;
  drawRows();
}, { passive: true });

document.addEventListener('keydown', (event) => {
  const move = (to) => {
    event.preventDefault();
    if (items.length) select(to);
  };
  const last = items.length - 1;
  const noMods = !event.altKey && !event.ctrlKey && !event.metaKey;
  if (offer) {
    // Picking one of the open sessions: digits, Enter (the same account's), Esc.
    if (noMods && /^Digit[1-9]$/.test(event.code)) {
      event.preventDefault();
      takeOffer(Number(event.code.slice(5)) - 1);
      return;
    }
    if (event.key === 'Enter' && offer.sameAccount !== null) {
      event.preventDefault();
      takeOffer(offer.sameAccount);
      return;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      cancelOffer();
      return;
    }
    if (event.key === 'Enter') {
      event.preventDefault();
      return;
    }
  }
  if (event.altKey && !event.ctrlKey && !event.metaKey && /^Digit[1-9]$/.test(event.code)) {
    // Alt+N: favorite N (in star order).
    event.preventDefault();
    const index = view.favorites[Number(event.code.slice(5)) - 1];
    if (index === undefined) {
      showStatus(`There is no favorite ${event.code.slice(5)}: star environments with ☆ or Ctrl+D.`);
      return;
    }
    const at = items.indexOf(index);
    if (at >= 0 && at !== selected) select(at);
    switchTo(index);
  } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'd') {
    event.preventDefault();
    const item = items[selected];
    if (typeof item === 'number' && item >= 0) toggleFavorite(item);
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    const step = event.key === 'ArrowDown' ? 1 : -1;
    move((selected + step + items.length) % Math.max(items.length, 1));
  } else if (event.key === 'PageDown') {
    move(Math.min(last, selected + PAGE));
  } else if (event.key === 'PageUp') {
    move(Math.max(0, selected - PAGE));
  } else if ((event.key === 'Home' || event.key === 'End') && (!query || event.ctrlKey || event.metaKey)) {
    // With text in the filter, plain Home/End move the caret.
    move(event.key === 'Home' ? 0 : last);
  } else if ((event.key === 'ArrowLeft' || event.key === 'ArrowRight') && noMods && !query) {
    if (foldSelected(event.key === 'ArrowRight')) event.preventDefault();
  } else if (event.key === 'Enter') {
    event.preventDefault();
    const alongside = (event.shiftKey ? enterKeys.shiftEnter : enterKeys.enter) === 'openAlongside';
    if (confirming !== null) {
      switchTo(confirming, alongside);
    } else {
      activate(selected, alongside);
    }
  } else if (event.key === 'Escape') {
    event.preventDefault();
    if (confirming !== null) cancelConfirm();
    else window.close();
  }
});

/** "Copy link" is offered on a console page whose environment is in the list. */
function showCopyLink() {
  $('copy-link').hidden = typeof view.current !== 'number';
}

/**
 * Copies the core's link to this console page in its environment (the worker makes it):
 * written here, in the popup's own document, during the click's user activation.
 */
async function copyLink() {
  try {
    const { link, displayName } = await protocol.send(MSG.POPUP_BG_COPY_LINK);
    await navigator.clipboard.writeText(link);
    showStatus(`Copied a link to this page in ${displayName}.`);
  } catch (err) {
    showStatus(`No link copied: ${err.message}`, true);
  }
}
$('copy-link').addEventListener('click', copyLink);

function openOptions(hash = '') {
  api.tabs.create({ url: api.runtime.getURL(`options/options.html${hash}`) });
  window.close();
}
$('options').addEventListener('click', () => openOptions());
$('add').addEventListener('click', () => openOptions('#add'));
$('import').addEventListener('click', () => openOptions('#import'));
$('example').addEventListener('click', async () => {
  try {
    await protocol.send(MSG.PAGE_BG_LOAD_EXAMPLE);
    await load({ ask: true });
    showStatus('Example list loaded: switch into “test”, see the banner, then make the list your own.');
  } catch (err) {
    showStatus(err.message, true);
  }
});

// Firefox can draw the popup's first screen before its panel has focus, and the focus given to the
// filter then is lost when the panel opens: give it back when the window gets focus, unless the
// user has moved it elsewhere meanwhile. Before the first screen is drawn, the filter's autofocus
// (or show) focuses it: in Chromium the window has focus before the page is parsed, and focusing
// then took a style pass of its own ahead of the first screen.
window.addEventListener('focus', () => {
  if (!loaded) return;
  if (document.activeElement === document.body || document.activeElement === null) $('filter').focus();
});

/**
 * Draws `first` (the first screen's record) and focuses the filter (which its autofocus has
 * done already, unless an earlier first screen took it away, or Firefox's panel did).
 */
function show(first) {
  takeFirst(first);
  loaded = true;
  // The sections or the order for an empty filter; what was typed already is filtered
  // as soon as the search is ready.
  query = '';
  shownQuery = '';
  marks = new Map();
  buildItems();
  cancelConfirm();
  selected = firstEntry();
  scrollTo(0);
  render();
  showCopyLink();
  if (document.activeElement !== $('filter')) $('filter').focus();
  // User Timing marks (tests and `make bench` read them): the first screen is drawn.
  if (!performance.getEntriesByName('roleswitch:interactive').length) performance.mark('roleswitch:interactive');
  if ($('filter').value.trim()) filter();
}

/** The popup's search (the core's, in a small wasm of its own), loaded once. */
let searchModule = null;
/** The core's note on a query the search leaves part of out (caps), once the search is loaded. */
let queryNote = null;
/**
 * Fetches, compiles and starts the search (after the first screen and a key typed at once:
 * it takes the page's thread).
 */
function loadSearch() {
  searchModule ??= (async () => {
    const search = wasm_bindgen; // eslint-disable-line no-undef -- the glue, bundled with this script
    // Its glue is in this page's bundle (`wasm_bindgen`, pkg/popup_search.js as a classic
    // script): imported as a module, it took several ms of this thread as a first key came in.
    await search({ module_or_path: fetch(api.runtime.getURL('pkg/popup_search_bg.wasm')) });
    queryNote = search.queryNote;
    return search;
  })();
  return searchModule;
}

// How long after the first screen is painted the popup waits for a first key (ms) before it
// starts its search: a key typed at once comes within a few ms.
const FIRST_KEY_WAIT = 20;

// Entries of the prepared search index loaded per step: a millisecond or two of work,
// between which the popup takes keys and paints.
const LOAD_STEP = 5000;

/**
 * Lets keys, painting and whatever else is waiting in before more of a long piece of work:
 * a task of ordinary priority where the browser has them (scheduler.postTask; input comes
 * first, and a background one could wait behind every other task), else a message to itself
 * (a task like any other, not clamped as nested timers are).
 */
function yieldToInput() {
  if (globalThis.scheduler?.postTask) return globalThis.scheduler.postTask(() => {}, { priority: 'user-visible' });
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/**
 * Takes the whole view and the search over the list: the index the worker prepared (which
 * holds every row), loaded a step at a time, or else (`rows`, the worker's answer, when it
 * has no index) built here from the rows; then filters by what was typed meanwhile. False
 * when there is neither (nothing is taken then).
 */
async function takeRest({ view: whole, index, rows = null }) {
  const next = JSON.parse(whole.view);
  const { PopupSearch, PopupSearchLoader } = await loadSearch();
  performance.mark('roleswitch:search-module'); // the search's wasm is here
  let search = null;
  if (index?.length) {
    let loader = null;
    try {
      // Stored bytes go into the wasm's memory as they are; the worker's answer is text. The
      // preferred order is given once the search is taken (takeWhole).
      const none = new Uint32Array(0);
      loader = typeof index === 'string' ? new PopupSearchLoader(index, none) : PopupSearchLoader.fromBytes(index, none);
      performance.mark('roleswitch:index-copied'); // the index is in the wasm's memory
      while (!loader.step(LOAD_STEP)) await yieldToInput();
      search = loader.finish();
      performance.mark('roleswitch:index-loaded');
    } catch (err) {
      console.warn('Roleswitch: the prepared search index could not be read:', err.message);
    } finally {
      loader?.free();
    }
  }
  if (!search) {
    if (typeof rows !== 'string') return false;
    search = new PopupSearch(rows, new Uint32Array(0));
  }
  await yieldToInput();
  // The search first: rows beyond the first screen are drawn from it; takeWhole gives it the
  // preferred order.
  searcher?.free();
  searcher = search;
  takeWhole(next);
  // The same items, now with every entry (for rows beyond the first screen), built in the
  // same task as the view they come from: a key in between would see the new sections
  // with the old items.
  if (!$('filter').value.trim()) rebuildKeepingSelection();
  if (!performance.getEntriesByName('roleswitch:search-ready').length) performance.mark('roleswitch:search-ready');
  if ($('filter').value.trim()) filter();
  return true;
}

/** The items for an empty filter built again, and drawn, the selection kept on what it was on. */
function rebuildKeepingSelection() {
  const kept = items[selected];
  buildItems();
  const at = positionOf(kept);
  selected = at >= 0 ? at : Math.max(0, Math.min(selected, items.length - 1));
  render();
}

/** `{ first, view, rows }` made now by the worker (slow when it has to start). */
function ask() {
  return protocol.send(MSG.POPUP_BG_GET_VIEW);
}

/**
 * Reads started as soon as this script runs: [local sources, sync sources, { [first key]: the
 * stored first screen }, the active tab (no identity only)]; the first keys' record; and the
 * list cache's entry. A console tab's popup is opened as popup.html#<identity> (see shared/popup-cache.js).
 */
const identity = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : NONE;
const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
const early = {
  first: settle(Promise.all([
    api.storage.local.get([...SOURCES.local, COLLAPSED_KEY]),
    api.storage.sync.get(SOURCES.sync),
    api.storage.session.get(KEYS.first(identity)),
    identity === NONE ? api.tabs.query({ active: true, currentWindow: true }).then(([tab]) => tab) : null,
  ])),
  keys: settle(api.storage.session.get(KEYS.keys(identity))),
  // The list cache's entry looked up (not read: its body is read after the paint).
  list: listCache.find(),
};

/**
 * Paints the first screen from what the worker stored for this page, then takes the rest;
 * asks the worker when something stored is missing or not current (`ask`: at once).
 */
async function load({ ask: asking = false } = {}) {
  try {
    if (!asking) {
      early.keys.then(({ value }) => {
        const record = value?.[KEYS.keys(identity)];
        storedKeys = record && typeof record === 'object' ? record : null;
        // The stored first keys' results are here (read; parsed when a key first needs them).
        if (storedKeys !== null) performance.mark('roleswitch:first-keys');
      });
      const read = await early.first;
      if (read.error) throw read.error;
      const [local, sync, stored, tab] = read.value;
      collapsed = collapsedFrom(local[COLLAPSED_KEY]);
      legacyCollapsed = !(COLLAPSED_KEY in local);
      const first = parseRecord(stored[KEYS.first(identity)]);
      // Without an identity, a console tab's page has not been seen yet: the worker asks it.
      const pageKnown = identity !== NONE || !isConsoleUrl(tab?.url ?? '');
      if (first && pageKnown && first.sources === sourcesDigest(local, sync) && first.stamp === listStamp(local)) {
        show(first);
        // The rest once the first screen is on screen, and a key typed at once has been
        // painted with what the worker stored for it: reading the rest (the bodies arrive in
        // tasks of this thread, a few ms each at 20,000 entries) and starting the search
        // would hold up both. Then the search's wasm, the whole view and the index (with the rows).
        await painted();
        // A key typed before the first keys' record was read is filtered once it is here.
        early.keys.then(() => {
          if (!searcher && shownQuery !== $('filter').value.trim()) filter();
        });
        await firstKeyShown();
        loadSearch().catch(() => {}); // compiles meanwhile; a failure is reported where it is used
        const rest = await readRest(identity, first);
        performance.mark('roleswitch:rest-read');
        if (rest && (await takeRest(rest))) {
          performance.mark('roleswitch:loaded', { detail: 'stored' }); // nothing was asked of the worker
          if (legacyCollapsed) await takeLegacyCollapsed();
          return;
        }
      }
    }
    const fresh = await ask();
    show(fresh.first);
    await painted();
    loadSearch().catch(() => {});
    await takeRest({ view: fresh.view, index: fresh.rows.index, rows: fresh.rows.rows });
    performance.mark('roleswitch:loaded', { detail: 'worker' });
    if (legacyCollapsed) await takeLegacyCollapsed();
  } catch (err) {
    showStatus(err.message, true);
  }
}

/**
 * The whole view and the search index stored for `first`: `{ view, index }`, `index` the
 * prepared index's UTF-8 bytes (from the list cache, one response body: see
 * shared/popup-cache.js); null when either is missing or not current.
 */
async function readRest(identity, first) {
  const key = KEYS.view(identity);
  const [whole, index] = await Promise.all([
    api.storage.session.get(key).then((got) => got[key], () => null),
    listCache.read(first.stamp, early.list),
  ]);
  if (whole?.sources !== first.sources || index === null) return null;
  return { view: whole, index };
}

/** A record stored as JSON text, or null. */
function parseRecord(text) {
  try {
    return typeof text === 'string' ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Resolves once a key typed just after the first screen has been painted (its results
 * are what the worker stored), or once none came for a moment: what the popup does next
 * (starting its search, taking the whole list) would otherwise hold up that key.
 */
function firstKeyShown() {
  return new Promise((resolve) => {
    const typed = () => {
      clearTimeout(timer);
      painted().then(resolve);
    };
    const timer = setTimeout(() => {
      $('filter').removeEventListener('input', typed);
      resolve();
    }, FIRST_KEY_WAIT);
    $('filter').addEventListener('input', typed, { once: true });
  });
}

/**
 * Resolves once the frame with what is in the page now has been painted, and the tasks
 * waiting for that frame (a key typed meanwhile) have run.
 */
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => setTimeout(resolve))));
}

load();
})();
