// The toolbar popup: type to filter, ↑/↓ to choose, Enter to switch, Esc to close.
// The order (reachable from the signed-in account first, recently used first),
// which entries show, and the way back to the base account come from the core
// through the background (`view`). Production asks for a second Enter.
import '../shared/api.js';
import '../shared/protocol.js';
import init, { formatAccountId, Searcher } from '../pkg/roleswitch.js';

const { api, protocol } = globalThis.RS;
const { MSG } = protocol;
const $ = (id) => document.getElementById(id);

const wasm = init({ module_or_path: api.runtime.getURL('pkg/roleswitch_bg.wasm') });
let environments = [];
let searcher = null; // the core's search index over `environments`
let shown = []; // indices into environments (BACK: the way back), in display order
let selected = 0;
let view = { preferred: [], visible: [], reachable: [], current: null, back: null, signedIn: null };
let settings = { confirmProduction: true, reachableOnly: false };
let confirming = null; // id of the production environment waiting for a second Enter
let busy = false; // a switch is on its way
let reachable = new Set();
const BACK = -1;

function status(message, isError = false) {
  $('status').textContent = message;
  $('status').classList.toggle('error', isError);
}

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

function backRow(position) {
  const { back } = view;
  const li = document.createElement('li');
  li.role = 'option';
  li.id = `env-${position}`;
  li.className = 'back';
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
  li.addEventListener('mousemove', () => select(position));
  li.addEventListener('click', () => switchTo(position));
  return li;
}

function row(index, position, marks) {
  const env = environments[index];
  const li = document.createElement('li');
  li.role = 'option';
  li.id = `env-${position}`;
  li.dataset.id = env.id;
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.setProperty('--swatch', env.color);
  const text = document.createElement('span');
  text.className = 'text';
  const name = marked('name', env.displayName, marks?.displayName);
  const sub = document.createElement('span');
  sub.className = 'sub';
  sub.append(
    marked('account', formatAccountId(env.accountId), marks?.accountId),
    ' · ',
    marked('role', env.roleName, marks?.roleName),
  );
  text.append(name, sub);
  li.append(swatch, text);
  if (env.production) {
    const badge = document.createElement('span');
    badge.className = 'badge-prod';
    badge.textContent = 'PROD';
    li.append(badge);
  }
  if (!reachable.has(index)) {
    li.classList.add('unreachable');
    li.title = 'Not reached from the account you are signed in to';
  }
  li.addEventListener('mousemove', () => select(position));
  li.addEventListener('click', () => switchTo(position));
  return li;
}

function render() {
  const list = $('list');
  const query = $('filter').value.trim();
  list.replaceChildren(
    ...shown.map((i, position) => (i === BACK
      ? backRow(position)
      : row(i, position, query ? searcher.highlight(i, query) : null))),
  );
  $('signed-in').textContent = view.signedIn ? `Signed in: ${view.signedIn}` : '';
  $('signed-in').hidden = !view.signedIn;
  $('empty').hidden = environments.length > 0;
  $('filter').parentElement.hidden = environments.length === 0;
  $('no-match').hidden = !(environments.length && !shown.length);
  $('no-match-query').textContent = query;
  select(Math.min(selected, Math.max(shown.length - 1, 0)));
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
  for (const li of $('list').children) li.setAttribute('aria-selected', String(li.id === `env-${position}`));
  const current = $(`env-${position}`);
  current?.scrollIntoView({ block: 'nearest' });
  $('filter').setAttribute('aria-activedescendant', current ? current.id : '');
}

async function filter() {
  await wasm;
  searcher ??= new Searcher(environments);
  const visible = new Set(view.visible);
  const query = $('filter').value;
  shown = Array.from(searcher.search(query, Uint32Array.from(view.preferred))).filter((i) => visible.has(i));
  if (view.back && !query.trim()) shown.unshift(BACK);
  cancelConfirm();
  selected = 0;
  render();
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

async function switchTo(position) {
  const i = shown[position];
  if (i === undefined || busy) return;
  if (i === BACK) {
    if (view.back.switchable) await send({ id: view.back.envId, back: true }, view.back.label);
    else status('Use “Switch back” in the console’s account menu to return to your IAM user.');
    return;
  }
  const env = environments[i];
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

$('filter').addEventListener('input', filter);
document.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    if (shown.length) select((selected + step + shown.length) % shown.length);
  } else if (event.key === 'Enter') {
    event.preventDefault();
    switchTo(selected);
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

async function load() {
  try {
    const state = await protocol.send(MSG.POPUP_BG_GET_VIEW);
    environments = state.environments;
    view = state.view;
    settings = state.settings;
    reachable = new Set(view.reachable);
    searcher?.free();
    searcher = null;
    if (state.unreadable.length) {
      status(`${state.unreadable.length} stored entries could not be read; see Options.`, true);
    }
  } catch (err) {
    environments = [];
    view = { preferred: [], visible: [], reachable: [], current: null, back: null, signedIn: null };
    status(err.message, true);
  }
  await filter();
  $('filter').focus();
}

load();
