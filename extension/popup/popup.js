// The toolbar popup: type to filter, ↑/↓ to choose, Enter to switch, Esc to close.
import '../shared/api.js';
import '../shared/protocol.js';
import init, { formatAccountId, Searcher } from '../pkg/roleswitch.js';

const { api, protocol } = globalThis.RS;
const { MSG } = protocol;
const $ = (id) => document.getElementById(id);

const wasm = init({ module_or_path: api.runtime.getURL('pkg/roleswitch_bg.wasm') });
let environments = [];
let searcher = null; // the core's search index over `environments`
let shown = []; // indices into environments, in display order
let selected = 0;

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

function row(env, position, marks) {
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
  li.addEventListener('mousemove', () => select(position));
  li.addEventListener('click', () => switchTo(position));
  return li;
}

function render() {
  const list = $('list');
  const query = $('filter').value.trim();
  list.replaceChildren(
    ...shown.map((i, position) => row(environments[i], position, query ? searcher.highlight(i, query) : null)),
  );
  $('empty').hidden = environments.length > 0;
  $('filter').parentElement.hidden = environments.length === 0;
  $('no-match').hidden = !(environments.length && !shown.length);
  $('no-match-query').textContent = query;
  select(Math.min(selected, Math.max(shown.length - 1, 0)));
}

function select(position) {
  selected = position;
  for (const li of $('list').children) li.setAttribute('aria-selected', String(li.id === `env-${position}`));
  const current = $(`env-${position}`);
  current?.scrollIntoView({ block: 'nearest' });
  $('filter').setAttribute('aria-activedescendant', current ? current.id : '');
}

async function filter() {
  await wasm;
  searcher ??= new Searcher(environments);
  shown = Array.from(searcher.search($('filter').value, []));
  selected = 0;
  render();
}

async function switchTo(position) {
  const i = shown[position];
  if (i === undefined) return;
  const env = environments[i];
  status(`Switching to ${env.displayName}…`);
  try {
    await protocol.send(MSG.POPUP_BG_SWITCH, { id: env.id });
    window.close();
  } catch (err) {
    status(err.message, true);
  }
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
    window.close();
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
    const state = await protocol.send(MSG.PAGE_BG_GET_LIST);
    environments = state.environments;
    searcher?.free();
    searcher = null;
    if (state.unreadable.length) {
      status(`${state.unreadable.length} stored entries could not be read; see Options.`, true);
    }
  } catch (err) {
    environments = [];
    status(err.message, true);
  }
  await filter();
  $('filter').focus();
}

load();
