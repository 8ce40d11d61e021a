// @ts-check
// The options page's "Team lists" section (docs/TEAM-LISTS.md): subscribe to a
// list at an https:// URL, each subscription's status (stale: since when and
// why; entries left out and why), refresh now, remove; the subscribed entries,
// read-only, in the environments table with their sources and the local
// choices (hide, color, title prefix); what browser policy sets, shown locked.
// The core decides (through the worker); this module shows and asks.
import '../shared/api.js';
import '../shared/protocol.js';
import { newGlue } from '../pkg/roleswitch-factory.js';
import { openCore } from '../shared/core.js';
import { reported } from './errors.js';
import { kindCell } from './options.js';

const { api } = globalThis.RS;
/** @type {Protocol} */
const protocol = globalThis.RS.protocol;
const { MSG } = protocol;
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * @param {string} tag
 * @param {object} [props]
 * @param {(Node | string)[]} children
 */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

const messageOf = (/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err));
const when = (/** @type {number} */ ms) => new Date(ms).toLocaleString();

/** Where a left-out entry was in the file, then the core's message. */

/** One subscription: name, URL, status, what was left out, and its actions. */
function subscriptionItem({ state, managed }) {
  const { subscription, status, lastGood } = state;
  const li = el('li', { className: 'subscription' });
  li.dataset.url = subscription.url;
  const title = el('p', { className: 'sub-title' }, el('strong', { textContent: subscription.name }), ' ',
    el('code', { textContent: subscription.url }));
  if (subscription.group) title.append(` — group “${subscription.group}”`);
  if (managed) title.append(' ', el('span', { className: 'locked-badge', textContent: 'set by policy', title: 'Added by your organization’s browser policy; it cannot be removed here.' }));
  li.append(title);

  const count = lastGood ? `${lastGood.environments.length} entr${lastGood.environments.length === 1 ? 'y' : 'ies'}` : 'no entries yet';
  const line = el('p', { className: 'sub-status' });
  if (status.kind === 'ok') {
    line.classList.add('ok');
    line.textContent = `Up to date: ${count}, checked ${when(status.checkedAt)}.`;
  } else if (status.kind === 'stale') {
    line.classList.add('stale');
    line.textContent = `Stale since ${when(status.since)}: ${status.text} `
      + (lastGood ? `The last good copy (${count}, fetched ${when(lastGood.fetchedAt)}) stays in use.` : 'No copy is in use yet.');
  } else {
    line.textContent = 'Not fetched yet.';
  }
  li.append(line);

  const leftOut = lastGood?.leftOut ?? [];
  if (leftOut.length) {
    li.append(el('div', { className: 'notice sub-left-out' },
      `${leftOut.length} entr${leftOut.length === 1 ? 'y was' : 'ies were'} left out of this list:`,
      el('ul', {}, ...leftOut.map((d) => el('li', { textContent: d.text ?? d.message })))));
  }

  const buttons = el('div', { className: 'buttons' });
  const refresh = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', className: 'sub-refresh', textContent: 'Refresh now' }));
  refresh.setAttribute('aria-label', `Refresh ${subscription.name} now`);
  refresh.addEventListener('click', reported(`Refreshing ${subscription.name}`, async () => {
    // Busy until the list is drawn again (a second click meanwhile would only join this refresh).
    refresh.disabled = true;
    refresh.textContent = 'Refreshing…';
    try {
      await protocol.send(MSG.PAGE_BG_REFRESH_TEAM_LIST, { url: subscription.url });
      await load();
    } finally {
      refresh.disabled = false;
      refresh.textContent = 'Refresh now';
    }
  }));
  buttons.append(refresh);
  if (status.kind === 'stale' && status.reason?.kind === 'shrink') {
    const accept = el('button', { type: 'button', className: 'sub-accept-shrink', textContent: 'Use the new copy' });
    accept.addEventListener('click', reported('Using the new copy', async () => {
      await protocol.send(MSG.PAGE_BG_REFRESH_TEAM_LIST, { url: subscription.url, acceptShrink: true });
      await load();
    }));
    buttons.append(accept);
  }
  const remove = el('button', { type: 'button', className: 'sub-remove', textContent: 'Remove', disabled: managed });
  remove.setAttribute('aria-label', `Remove ${subscription.name}`);
  if (managed) remove.title = 'Set by your organization’s browser policy';
  remove.addEventListener('click', reported(`Removing ${subscription.name}`, async () => {
    await protocol.send(MSG.PAGE_BG_UNSUBSCRIBE, { url: subscription.url });
    await load();
  }));
  buttons.append(remove);
  li.append(buttons);
  return li;
}

/** A row's account cell: the ID as the core writes it (until the core is loaded, as stored). */
function accountCell(accountId) {
  const td = el('td', { className: 'mono', textContent: core ? core.formatAccountId(accountId) : accountId });
  td.dataset.account = accountId;
  return td;
}

/** A read-only row of the environments table for an entry only subscriptions hold. */
function entryRow(entry) {
  const env = entry.environment;
  const swatch = el('span', { className: 'swatch' });
  swatch.style.setProperty('--swatch', env.color);
  const name = el('td', { className: 'name' }, env.displayName);
  if (env.production) name.append(' ', el('span', { className: 'badge-prod', textContent: 'PROD' }));
  const sources = entry.sources.map((s) => (s.kind === 'personal' ? 'your list' : s.name));
  const from = el('span', { className: 'sources', textContent: `from ${sources.join(', ')}` });
  if (entry.differs) from.title = 'Its sources disagree about it; the first one’s is shown.';

  // Local choices: kept by account and role, so they survive every refresh.
  const base = entry.local ?? { accountId: env.accountId, roleName: env.roleName, identityCenter: Boolean(env.portalUrl) };
  const choose = (what, change) => reported(what, async () => {
    const saved = await protocol.send(MSG.PAGE_BG_SET_TEAM_OVERRIDE, { change: { ...base, ...change() } });
    if (!saved.ok) throw new Error(saved.error);
    await load();
  });
  const hide = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', className: 'entry-hide', checked: entry.hidden }));
  hide.addEventListener('change', choose('Hiding', () => ({ hidden: hide.checked })));
  hide.setAttribute('aria-label', `Hide ${env.displayName} in the popup`);
  const color = /** @type {HTMLInputElement} */ (el('input', { type: 'color', className: 'entry-color', value: env.color }));
  color.setAttribute('aria-label', `Your color for ${env.displayName}`);
  color.addEventListener('change', choose('Saving the color', () => ({ color: color.value })));
  const actions = el('td', { className: 'actions' }, from, ' ',
    el('label', { className: 'check' }, hide, ' Hide'), ' ', color);
  if (entry.local?.color) {
    const reset = el('button', { type: 'button', className: 'link entry-color-reset', textContent: 'list’s color' });
    reset.addEventListener('click', choose('Resetting the color', () => ({ color: undefined })));
    actions.append(' ', reset);
  }
  actions.append(' ', ...prefixChoice(entry, base));
  const tr = el('tr', { className: 'team-entry' },
    el('td', {}, swatch), name,
    accountCell(env.accountId),
    el('td', { className: 'mono', textContent: env.roleName }),
    kindCell(env),
    el('td', { textContent: env.region ?? '' }),
    el('td', { textContent: env.group ?? '' }),
    actions);
  tr.dataset.id = env.id;
  tr.title = 'From a team list: read-only here (change it where the list is published).';
  return tr;
}

/**
 * The local title prefix of a subscribed entry: a field (empty: the list's prefix), checked
 * by the core's rule as you type, saved on change; "none" for no prefix of its own (the core's
 * `""`: a production tab still says production); and a button back to the list's prefix.
 */
function prefixChoice(entry, base) {
  const env = entry.environment;
  const own = entry.local?.titlePrefix;
  // Without a choice of ours the entry shows the list's prefix: the field's placeholder.
  let placeholder = 'title prefix';
  if (own === '' || (own == null && env.titlePrefix === '')) placeholder = 'no prefix';
  else if (own == null && env.titlePrefix) placeholder = env.titlePrefix;
  const field = /** @type {HTMLInputElement} */ (el('input', {
    type: 'text', className: 'entry-prefix', value: own ?? '', placeholder, maxLength: 16, size: 8, disabled: own === '',
    spellcheck: false, autocomplete: 'off', title: 'Your tab title prefix for this entry (empty: the list’s)',
  }));
  const none = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', className: 'entry-prefix-none', checked: own === '' }));
  none.setAttribute('aria-label', `No title prefix for ${env.displayName}`);
  none.addEventListener('change', reported('Saving the title prefix', async () => {
    const saved = await protocol.send(MSG.PAGE_BG_SET_TEAM_OVERRIDE, { change: { ...base, titlePrefix: none.checked ? '' : undefined } });
    if (!saved.ok) throw new Error(saved.error);
    await load();
  }));
  const error = el('p', { className: 'field-error entry-prefix-error', id: `prefix-error-${env.id}` });
  error.setAttribute('role', 'alert');
  field.setAttribute('aria-label', `Your tab title prefix for ${env.displayName}`);
  field.setAttribute('aria-describedby', error.id);
  const change = () => (field.value.trim() === '' ? { titlePrefix: undefined } : { titlePrefix: field.value });
  const show = (message) => {
    error.textContent = message;
    if (message) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  };
  field.addEventListener('input', () => {
    if (!core) return; // the worker checks it on save anyway
    const checked = core.setOverride([], { ...base, ...change() });
    show(checked.ok ? '' : checked.error);
  });
  field.addEventListener('change', reported('Saving the title prefix', async () => {
    const saved = await protocol.send(MSG.PAGE_BG_SET_TEAM_OVERRIDE, { change: { ...base, ...change() } });
    if (!saved.ok) {
      show(saved.error);
      return;
    }
    show('');
    await load();
  }));
  /** @type {(Node | string)[]} */
  const parts = [field, ' ', el('label', { className: 'entry-prefix-none-label' }, none, ' none')];
  if (own) {
    const reset = el('button', { type: 'button', className: 'link entry-prefix-reset', textContent: 'list’s prefix' });
    reset.setAttribute('aria-label', `list’s prefix for ${env.displayName}`);
    reset.addEventListener('click', reported('Resetting the title prefix', async () => {
      const saved = await protocol.send(MSG.PAGE_BG_SET_TEAM_OVERRIDE, { change: { ...base, titlePrefix: undefined } });
      if (!saved.ok) throw new Error(saved.error);
      await load();
    }));
    parts.push(' ', reset);
  }
  parts.push(error);
  return parts;
}

/** What policy sets, shown locked; and the policy's values that were left out. */
function policy({ settings, errors }, interval) {
  const box = $('team-policy');
  const locks = [];
  if (settings.subscriptions.length) locks.push(`subscribes you to ${settings.subscriptions.length} list${settings.subscriptions.length === 1 ? '' : 's'} (marked “set by policy”)`);
  if (settings.refreshIntervalMinutes != null) locks.push(`refreshes the lists every ${settings.refreshIntervalMinutes} minutes`);
  if (settings.confirmProductionLocked) locks.push('keeps asking before switching into production on');
  if (settings.bannerLocked) locks.push('keeps the console banner on');
  box.replaceChildren();
  if (locks.length) box.append(el('p', { id: 'policy-locks', textContent: `🔒 Your organization’s browser policy ${locks.join('; ')}.` }));
  if (errors.length) {
    box.append(el('div', { className: 'error', id: 'policy-errors' }, 'Policy values left out:',
      el('ul', {}, ...errors.map((e) => el('li', { textContent: e })))));
  }
  box.hidden = !box.childElementCount;
  const field = input('team-interval');
  if (document.activeElement !== field) field.value = interval == null ? '' : String(interval);
  field.disabled = settings.refreshIntervalMinutes != null;
  $('banner-locked').hidden = !settings.bannerLocked;
}

// Personal entries that team lists hold too: "also in …" on their rows, which options.js
// draws (again on each change; the observer puts the note back).
/** @type {Map<string, string[]>} */
let alsoIn = new Map();
function annotatePersonalRows() {
  for (const tr of /** @type {HTMLTableElement} */ ($('envs')).tBodies[0].rows) {
    tr.querySelector('.also-in')?.remove();
    const names = alsoIn.get(tr.dataset.id ?? '');
    if (names) tr.cells[1]?.append(el('span', { className: 'sources also-in', textContent: ` also in ${names.join(', ')}` }));
  }
}
new MutationObserver(annotatePersonalRows).observe(/** @type {HTMLTableElement} */ ($('envs')).tBodies[0], { childList: true });

let loading = Promise.resolve();
function load() {
  loading = loading.then(render, render);
  return loading;
}

async function render() {
  try {
    const overview = await protocol.send(MSG.PAGE_BG_GET_TEAM_LISTS);
    $('subscriptions').replaceChildren(...overview.subscriptions.map(subscriptionItem));
    const readOnly = overview.entries.filter((e) => e.readOnly);
    $('team-envs').replaceChildren(...readOnly.map(entryRow));
    alsoIn = new Map(overview.entries
      .filter((e) => !e.readOnly && e.sources.some((s) => s.kind === 'subscription'))
      .map((e) => [e.environment.id, e.sources.filter((s) => s.kind === 'subscription').map((s) => s.name)]));
    annotatePersonalRows();
    document.dispatchEvent(new CustomEvent('roleswitch:team-entries', { detail: readOnly.length }));
    policy(overview.managed, overview.interval);
  } catch (err) {
    $('team-status').textContent = messageOf(err);
  }
}

async function subscribe(event) {
  event.preventDefault();
  const url = input('sub-url').value.trim();
  const name = input('sub-name').value.trim();
  const group = input('sub-group').value.trim();
  const error = $('sub-error');
  error.textContent = '';
  // The core's URL rule first, so that only a URL it accepts reaches the permission prompt.
  // The prompt needs this click (a user gesture): it is asked here, before any await of the worker.
  const checked = core ? core.checkSubscriptionUrl(url) : await coreCheck(url);
  if (!checked.ok) {
    error.textContent = checked.error;
    return;
  }
  let granted = false;
  try {
    granted = await api.permissions.request({ origins: [checked.permission] });
  } catch (err) {
    error.textContent = `The browser did not ask for the permission: ${messageOf(err)}`;
    return;
  }
  if (!granted) {
    error.textContent = `Roleswitch needs your permission to read ${checked.origin} to fetch the list; nothing was subscribed.`;
    return;
  }
  $('team-status').textContent = 'Subscribing…';
  try {
    const result = await protocol.send(MSG.PAGE_BG_SUBSCRIBE, { url: checked.url, name: name || undefined, group: group || undefined });
    if (!result.ok) {
      error.textContent = result.error;
      $('team-status').textContent = '';
      return;
    }
    $('team-status').textContent = result.outcome === 'accepted'
      ? `Subscribed to ${result.state.subscription.name}.`
      : `Subscribed to ${result.state.subscription.name}; the first fetch failed, it is tried again later.`;
    /** @type {HTMLFormElement} */ ($('subscribe-form')).reset();
  } catch (err) {
    $('team-status').textContent = '';
    error.textContent = messageOf(err);
  }
  await load();
}

// The core in this page, for the URL rule (synchronous after the first load, so that the
// permission prompt still runs inside the click's user activation).
const coreHost = openCore(newGlue, api.runtime.getURL('pkg/roleswitch_bg.wasm'));
/** @type {any} */
let core = null;
const coreReady = coreHost.ready.then(() => {
  core = coreHost.core;
});
// Subscribe asks for the permission inside the click, after the core's URL rule: Firefox
// refuses the prompt once anything was awaited, so the button waits for the core (a few ms
// after the page opens). Should the core fail to load, the click says why.
coreReady.catch(() => {}).finally(() => {
  /** @type {HTMLButtonElement} */ ($('subscribe')).disabled = false;
});
// Account IDs written as the personal rows write them (1111-2222-3333), by the core: rows drawn
// before it loaded get their text then, in place (nothing under the pointer is replaced).
coreReady.then(() => {
  for (const td of document.querySelectorAll('#team-envs td[data-account]')) {
    td.textContent = core.formatAccountId(/** @type {HTMLElement} */ (td).dataset.account);
  }
}, () => {});

async function coreCheck(url) {
  if (!core) await coreReady;
  return core.checkSubscriptionUrl(url);
}

$('subscribe-form').addEventListener('submit', (event) => {
  subscribe(event).catch((err) => {
    $('sub-error').textContent = messageOf(err);
  });
});
input('team-interval').addEventListener('change', reported('Saving the refresh interval', async () => {
  const minutes = Number(input('team-interval').value);
  if (!Number.isFinite(minutes) || input('team-interval').value === '') return;
  const { interval } = await protocol.send(MSG.PAGE_BG_SET_TEAM_INTERVAL, { minutes });
  $('team-status').textContent = `Lists are refreshed every ${interval ?? 60} minutes (from 15 minutes to a day).`;
  await load();
}));
// The team lists, the policy, and the personal list (which entries are "also in" a team list).
api.storage.onChanged.addListener((changes, area) => {
  const keys = Object.keys(changes);
  const personal = core && keys.some((k) => core.isListKey(k));
  // teamLists: a refresh that left the entries as they were still changes the status shown.
  const team = area === 'local' && ['teamRevision', 'teamLists', 'teamInterval'].some((k) => k in changes);
  if (area === 'managed' || personal || team) load();
});
load();
