// The toolbar popup: type to filter, ↑/↓ to choose, Enter to switch, Esc to close.
// The order (favorites, then reachable from the signed-in account, recently used
// first), which entries show, the sections for an empty filter (favorites, then
// one per group) and the way back to the base account come from the core through
// the background (`view`). Production asks for a second Enter.
//
// The list is virtualised: rows have a fixed height, the list element is as tall
// as all of them, and only the rows in (or near) the scroll viewport are in the
// DOM. A keystroke is one `Searcher.search` call plus the visible rows' highlights.
import '../shared/api.js';
import '../shared/protocol.js';
import { newGlue } from '../pkg/roleswitch-factory.js';
import { openCore } from '../shared/core.js';

const { api } = globalThis.RS;
/** @type {Protocol} */
const protocol = globalThis.RS.protocol;
const { MSG } = protocol;
const $ = (id) => document.getElementById(id);

// Timings for `make bench` (tools/bench.mjs): when the popup became usable, and
// per keystroke the time from the input event to the end of the redraw.
window.__rsKeystrokes = [];

const ROW = 46; // px, every row (see popup.css)
const VIEWPORT = 420; // px, the scroller's max-height (see popup.css)
const OVERSCAN = 4; // rows drawn beyond each edge of the viewport
const PAGE = Math.floor(VIEWPORT / ROW) - 1; // rows PageUp/PageDown move
const BACK = -1; // the way back to the base account
const COLLAPSED_KEY = 'roleswitch.collapsedSections'; // localStorage: page-local UI state

const { core, ready: wasm } = openCore(newGlue, api.runtime.getURL('pkg/roleswitch_bg.wasm'));
const { formatAccountId, queryNote, Searcher } = core;
let environments = [];
let searcher = null; // the core's search index over `environments`, built once per load
// What the list shows, in order: an environment index, BACK, or a section header object.
let items = [];
let sectionAt = []; // per item with sections: the index of its section in view.sections
let selected = 0;
let query = '';
let marks = new Map(); // highlight ranges for `query`, per environment index, as rows are drawn
let view = { preferred: [], favorites: [], sections: [], visible: [], reachable: [], current: null, back: null, signedIn: null };
let settings = { confirmProduction: true, reachableOnly: false };
let shownFlag = new Uint8Array(0); // per environment: in view.visible
let reachableFlag = new Uint8Array(0);
let favoriteFlag = new Uint8Array(0);
const collapsed = readCollapsed();
let confirming = null; // id of the production environment waiting for a second Enter
let busy = false; // a switch is on its way
let loaded = false;

function readCollapsed() {
  try {
    const stored = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((k) => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

function status(message, isError = false) {
  $('status').textContent = message;
  $('status').classList.toggle('error', isError);
}

const isHeader = (item) => typeof item === 'object';

// Text with the matched ranges (UTF-16 offsets from the core) in <mark>.
function marked(className, text, ranges = []) {
  const span = document.createElement('span');
  span.className = className;
  let at = 0;
  for (const { start, end } of ranges) {
    span.append(text.slice(at, start));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    span.append(mark);
    at = end;
  }
  span.append(text.slice(at));
  return span;
}

function optionRow(position) {
  const li = document.createElement('li');
  li.role = 'option';
  li.id = `env-${position}`;
  li.style.top = `${position * ROW}px`;
  li.setAttribute('aria-setsize', String(items.length));
  li.setAttribute('aria-posinset', String(position + 1));
  li.setAttribute('aria-selected', String(position === selected));
  li.addEventListener('mousemove', () => { if (selected !== position) select(position); });
  return li;
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
  li.addEventListener('click', () => activate(position));
  return li;
}

function headerRow(position, section) {
  const li = optionRow(position);
  const open = !collapsed.has(section.key);
  li.classList.add('section');
  li.setAttribute('aria-expanded', String(open));
  li.setAttribute('aria-label', `${section.label}, ${section.members.length} ${section.members.length === 1 ? 'environment' : 'environments'}, ${open ? 'expanded' : 'collapsed'}`);
  const chevron = document.createElement('span');
  chevron.className = 'chevron';
  chevron.textContent = open ? '▾' : '▸';
  const label = document.createElement('span');
  label.className = 'section-label';
  label.textContent = section.label;
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = String(section.members.length);
  li.append(chevron, label, count);
  li.addEventListener('click', () => toggleSection(section.key, position));
  return li;
}

function envRow(position, index) {
  const env = environments[index];
  const li = optionRow(position);
  if (!env) return li; // beyond the first screen, until the whole list is here
  li.dataset.id = env.id;
  let ranges = null;
  if (query) {
    ranges = marks.get(index);
    if (!ranges) marks.set(index, (ranges = searcher.highlight(index, query)));
  }
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.setProperty('--swatch', env.color);
  const text = document.createElement('span');
  text.className = 'text';
  const name = marked('name', env.displayName, ranges?.displayName);
  const sub = document.createElement('span');
  sub.className = 'sub';
  sub.append(
    marked('account', formatAccountId(env.accountId), ranges?.accountId),
    ' · ',
    marked('role', env.roleName, ranges?.roleName),
  );
  text.append(name, sub);
  li.append(swatch, text);
  if (env.production) {
    const badge = document.createElement('span');
    badge.className = 'badge-prod';
    badge.textContent = 'PROD';
    li.append(badge);
  }
  const starred = favoriteFlag[index] === 1;
  const star = document.createElement('button');
  star.className = 'star';
  star.tabIndex = -1;
  star.textContent = starred ? '★' : '☆';
  star.title = starred ? 'Unstar (Ctrl+D)' : 'Star: pin to the top (Ctrl+D)';
  star.setAttribute('aria-label', starred ? `Unstar ${env.displayName}` : `Star ${env.displayName}`);
  star.setAttribute('aria-pressed', String(starred));
  star.addEventListener('mousedown', (event) => event.preventDefault()); // keep the filter focused
  star.addEventListener('click', (event) => {
    event.stopPropagation();
    toggleFavorite(index);
  });
  li.append(star);
  if (!reachableFlag[index]) {
    li.classList.add('unreachable');
    li.title = 'Not reached from the account you are signed in to';
  }
  li.addEventListener('click', () => activate(position));
  return li;
}

/** Draws the rows in and near the viewport (and the selected one, for aria-activedescendant). */
function drawRows() {
  const list = $('list');
  const top = $('scroller').scrollTop;
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + VIEWPORT) / ROW) + OVERSCAN);
  const positions = [];
  if (selected < first && selected < items.length) positions.push(selected);
  for (let p = first; p < last; p++) positions.push(p);
  if (selected >= last && selected < items.length) positions.push(selected);
  list.replaceChildren(...positions.map((p) => {
    const item = items[p];
    if (item === BACK) return backRow(p);
    if (isHeader(item)) return headerRow(p, item);
    return envRow(p, item);
  }));
  $('filter').setAttribute('aria-activedescendant', items.length ? `env-${selected}` : '');
}

/** Lays out the whole list (height, empty states) and draws the visible rows. */
function render() {
  $('list').style.height = `${items.length * ROW}px`;
  $('signed-in').textContent = view.signedIn ? `Signed in: ${view.signedIn}` : '';
  $('signed-in').hidden = !view.signedIn;
  $('empty').hidden = environments.length > 0;
  $('filter').parentElement.hidden = environments.length === 0;
  $('help').hidden = environments.length === 0;
  $('no-match').hidden = !(environments.length && !items.length && (complete || !query));
  $('no-match-query').textContent = query;
  selected = Math.min(selected, Math.max(items.length - 1, 0));
  scrollToSelected();
  drawRows();
}

function scrollToSelected() {
  const scroller = $('scroller');
  const top = selected * ROW;
  if (top < scroller.scrollTop) scroller.scrollTop = top;
  else if (top + ROW > scroller.scrollTop + VIEWPORT) scroller.scrollTop = top + ROW - VIEWPORT;
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
  for (const li of $('list').children) li.setAttribute('aria-selected', String(li.id === `env-${position}`));
  $('filter').setAttribute('aria-activedescendant', `env-${position}`);
}

/** The items for the current query: ranked matches, or for an empty query the sections. */
function buildItems() {
  items = [];
  sectionAt = [];
  if (!query) {
    if (view.back) {
      items.push(BACK);
      sectionAt.push(-1);
    }
    // Headers only when there is more than one section to tell apart.
    const sections = view.sections.length > 1 ? view.sections : [];
    if (!sections.length) {
      for (const i of view.preferred) if (shownFlag[i]) items.push(i);
      return;
    }
    sections.forEach((section, s) => {
      items.push(section);
      sectionAt.push(s);
      if (collapsed.has(section.key)) return;
      for (const i of section.members) {
        items.push(i);
        sectionAt.push(s);
      }
    });
    return;
  }
  if (!complete) return; // drawn again once the whole list is here (a few ms)
  for (const i of searchIndex().search(query, view.preferred)) if (shownFlag[i]) items.push(i);
}

/** The first position that is not a section header. */
function firstEntry() {
  const at = items.findIndex((item) => !isHeader(item));
  return at < 0 ? 0 : at;
}

function filter() {
  query = $('filter').value.trim();
  // The search has caps (words, characters): say when it leaves part of the query out.
  const note = query ? queryNote(query) : undefined;
  $('query-note').textContent = note ?? '';
  $('query-note').hidden = !note;
  marks = new Map();
  buildItems();
  cancelConfirm();
  selected = firstEntry(); // the best match
  $('scroller').scrollTop = 0;
  render();
}

function toggleSection(key, position = selected) {
  if (collapsed.has(key)) collapsed.delete(key);
  else collapsed.add(key);
  try {
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...collapsed]));
  } catch {
    // Not remembered: the popup still works.
  }
  // Keep the header selected where it was.
  const header = items[position];
  buildItems();
  selected = isHeader(header) ? Math.max(0, items.indexOf(header)) : Math.min(position, items.length - 1);
  render();
}

/** Folds (open = false) or unfolds the section of the selected row. */
function foldSelected(open) {
  if (query || !sectionAt.length) return false;
  const s = sectionAt[selected];
  if (s === undefined || s < 0) return false;
  const section = view.sections[s];
  if (collapsed.has(section.key) === !open) return false;
  toggleSection(section.key, items.indexOf(section));
  return true;
}

function setFlags() {
  const n = environments.length;
  shownFlag = new Uint8Array(n);
  reachableFlag = new Uint8Array(n);
  favoriteFlag = new Uint8Array(n);
  for (const i of view.visible) shownFlag[i] = 1;
  for (const i of view.reachable) reachableFlag[i] = 1;
  for (const i of view.favorites) favoriteFlag[i] = 1;
}

async function toggleFavorite(index) {
  const env = environments[index];
  if (!env) return;
  try {
    const { view: next } = await protocol.send(MSG.POPUP_BG_TOGGLE_FAVORITE, { id: env.id });
    view = next;
    setFlags();
    buildItems();
    // Stay on the same environment, wherever it moved.
    const at = items.indexOf(index);
    selected = at >= 0 ? at : firstEntry();
    render();
    status(favoriteFlag[index] ? `Starred ${env.displayName}: pinned to the top.` : `Unstarred ${env.displayName}.`);
  } catch (err) {
    status(err.message, true);
  }
}

async function send(payload, label) {
  busy = true;
  status(`Switching to ${label}…`);
  try {
    const result = await protocol.send(MSG.POPUP_BG_SWITCH, payload);
    if (result.message) {
      // Shown until the popup is closed (a fallback) or the user acts (a refusal).
      status(result.message, result.outcome === 'refused');
      if (result.outcome === 'page') setTimeout(() => window.close(), 5000);
    } else {
      window.close();
    }
  } catch (err) {
    status(err.message, true);
  } finally {
    busy = false;
  }
}

/** Switches into environment `index` (BACK: the way back); production asks first. */
async function switchTo(index) {
  if (index === undefined || busy) return;
  if (index === BACK) {
    if (view.back.switchable) await send({ id: view.back.envId, back: true }, view.back.label);
    else status('Use “Switch back” in the console’s account menu to return to your IAM user.');
    return;
  }
  const env = environments[index];
  if (!env) return; // not here yet: a few ms after opening
  if (env.production && settings.confirmProduction && confirming !== env.id) {
    confirming = env.id;
    $('confirm').textContent =
      `Switch into PRODUCTION ${env.displayName} (${formatAccountId(env.accountId)})? Enter to confirm, Esc to cancel.`;
    $('confirm').hidden = false;
    return;
  }
  cancelConfirm();
  await send({ id: env.id }, env.displayName);
}

/** Enter or a click on row `position`: a header folds, an environment switches. */
function activate(position) {
  const item = items[position];
  if (item === undefined) return;
  if (isHeader(item)) {
    toggleSection(item.key, position);
    return;
  }
  if (position !== selected) select(position);
  switchTo(item);
}

$('filter').addEventListener('input', (event) => {
  if (!loaded) return; // load() filters once the list is in
  filter();
  window.__rsKeystrokes.push(performance.now() - event.timeStamp);
});
$('scroller').addEventListener('scroll', () => drawRows(), { passive: true });

document.addEventListener('keydown', (event) => {
  const move = (to) => {
    event.preventDefault();
    if (items.length) select(to);
  };
  const last = items.length - 1;
  const noMods = !event.altKey && !event.ctrlKey && !event.metaKey;
  if (event.altKey && !event.ctrlKey && !event.metaKey && /^Digit[1-9]$/.test(event.code)) {
    // Alt+N: favorite N (in star order).
    event.preventDefault();
    const index = view.favorites[Number(event.code.slice(5)) - 1];
    if (index === undefined) {
      status(`There is no favorite ${event.code.slice(5)}: star environments with ☆ or Ctrl+D.`);
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
    if (confirming !== null) {
      const index = environments.findIndex((e) => e.id === confirming);
      if (index >= 0) switchTo(index);
    } else {
      activate(selected);
    }
  } else if (event.key === 'Escape') {
    event.preventDefault();
    if (confirming !== null) cancelConfirm();
    else window.close();
  }
});

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
    await load();
    status('Example list loaded: switch into “test”, see the banner, then make the list your own.');
  } catch (err) {
    status(err.message, true);
  }
});

// The whole list: the first screen's entries come with the view, the rest right after.
let whole = Promise.resolve();
let complete = false;

async function load() {
  (window.__rsPhases ??= {}).sentAt = performance.now(); // for `make bench`
  const state = await protocol.send(MSG.POPUP_BG_GET_VIEW).catch((err) => err);
  // Asked only now: a large answer must not travel ahead of the first screen's.
  const list = state instanceof Error ? null : protocol.send(MSG.POPUP_BG_GET_ENVIRONMENTS);
  const phases = (window.__rsPhases ??= {}); // for `make bench`
  phases.viewAt ??= performance.now();
  await wasm;
  phases.wasmAt ??= performance.now();
  searcher?.free();
  searcher = null;
  if (state instanceof Error) {
    environments = [];
    view = { preferred: [], favorites: [], sections: [], visible: [], reachable: [], current: null, back: null, signedIn: null };
    status(state.message, true);
  } else {
    environments = new Array(state.total);
    for (const [i, env] of state.first) environments[i] = env;
    whole = list.then(
      (answer) => {
        environments = answer.environments;
        complete = true;
      },
      (err) => status(err.message, true),
    );
    view = state.view;
    settings = state.settings;
    if (state.unreadable.length) {
      status(`${state.unreadable.length} stored entries could not be read; see Options.`, true);
    }
  }
  setFlags();
  loaded = true;
  filter();
  $('filter').focus();
  window.__rsInteractive ??= performance.now();
  requestAnimationFrame(() => setTimeout(() => { window.__rsPainted ??= performance.now(); }));
  // The first rows need no index (the core already ordered them): build it once they are
  // painted and the whole list is here, then draw whatever was typed or scrolled meanwhile.
  whole.then(() => requestAnimationFrame(() => setTimeout(() => {
    searchIndex();
    if (query) filter();
    else render();
  })));
}

// Once per open: each keystroke then only sends the query. Built after the first rows are
// drawn (they need no index: the core ordered them), or at the first keystroke if sooner.
function searchIndex() {
  if (searcher || !complete) return searcher;
  const indexing = performance.now();
  searcher = new Searcher(environments);
  (window.__rsPhases ??= {}).indexMs ??= performance.now() - indexing;
  return searcher;
}

load();
