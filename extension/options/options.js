// The options page: the list of environments, and a form to add or edit one.
// Every field is validated by the core as the user types; the background
// validates again when saving and owns the write.
import '../shared/api.js';
import '../shared/protocol.js';
import { newGlue } from '../pkg/roleswitch-factory.js';
import { openCore } from '../shared/core.js';
import { reported } from './errors.js';

const { api } = globalThis.RS;
/** @type {Protocol} */
const protocol = globalThis.RS.protocol;
const { MSG } = protocol;
const $ = (id) => document.getElementById(id);

const FIELDS = ['accountId', 'roleName', 'displayName', 'color', 'region', 'group'];
// The "Advanced" section: the inputs each of the core's fields is typed in.
const ADVANCED = {
  partition: ['partition'],
  base: ['baseAccountId', 'baseAlias', 'baseRole'],
  titlePrefix: ['titlePrefix'],
};
// Every field with a message of its own (`error-<field>`), and its inputs.
const INPUTS = { ...Object.fromEntries(FIELDS.map((f) => [f, [f]])), portalUrl: ['portalUrl'], ...ADVANCED };
const ALL_INPUTS = Object.values(INPUTS).flat();

const { core, ready: wasm } = openCore(newGlue, api.runtime.getURL('pkg/roleswitch_bg.wasm'));
const { awsColors, formatAccountId, validateEnvironment } = core;
let environments = [];
let editingId = null; // id of the entry being edited, null when adding
let editingFrom = null; // that entry as it was when the form opened, to notice edits made elsewhere
const touched = new Set();

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function notices(state) {
  const box = $('notices');
  box.replaceChildren();
  const sync = state.sync ?? { mode: state.area };
  if (sync.mode === 'local') {
    const size = sync.bytes ? ` (${Math.ceil(sync.bytes / 1024)} KB compressed; browser sync holds ${Math.floor(sync.quotaBytes / 1024)} KB)` : '';
    box.append(el('p', { className: 'notice', id: 'notice-local' },
      `Your list is too large for browser sync${size}, so it is kept on this computer only. `,
      'Other browsers you sign in to will not see changes made here; changes they make are still merged in here. ',
      'Remove entries to share it again.'));
  } else if (sync.mode === 'retrying') {
    const when = sync.retryAt ? new Date(sync.retryAt).toLocaleTimeString() : 'shortly';
    box.append(el('p', { className: 'notice', id: 'notice-retrying' },
      `Browser sync refused the last change for now (${sync.reason}). It is saved on this computer and will be synced again at ${when}; nothing is lost.`));
  }

  if (state.syncNotes?.length) {
    box.append(el('div', { className: 'notice', id: 'notice-sync' },
      'Changes were made on this browser and another at the same time; they were merged:',
      el('ul', {}, ...state.syncNotes.map((n) => el('li', { textContent: n })))));
  }
  if (state.repairs?.length) {
    box.append(el('div', { className: 'notice' }, 'Some stored entries were normalised when read:',
      el('ul', {}, ...state.repairs.map((r) => el('li', { textContent: r })))));
  }
  if (state.unreadable?.length) {
    box.append(el('div', { className: 'notice error', id: 'notice-unreadable' },
      `${state.unreadable.length + (state.moreUnreadable ?? 0)} stored entries could not be read and are set aside (not deleted). `,
      'Re-create them from the details below if you need them, then discard them.',
      el('ul', {}, ...state.unreadable.map((u) => el('li', { textContent: `${u.reason} — ${JSON.stringify(u.raw)}` })),
        ...(state.moreUnreadable ? [el('li', { textContent: `… and ${state.moreUnreadable} more, not listed here.` })] : [])),
      discardButton()));
  }
}

function discardButton() {
  const button = el('button', { type: 'button', id: 'discard-unreadable', textContent: 'Discard these entries' });
  button.addEventListener('click', reported('Discarding the unreadable entries', async () => {
    await protocol.send(MSG.PAGE_BG_DISCARD_UNREADABLE);
    await load();
  }));
  return button;
}

// Entries only team lists hold, shown read-only in the same table (team-lists.js).
let teamEntries = 0;
document.addEventListener('roleswitch:team-entries', (event) => {
  teamEntries = /** @type {CustomEvent} */ (event).detail;
  showSections();
});

function showSections() {
  $('empty').hidden = environments.length + teamEntries > 0;
  $('list-section').hidden = environments.length + teamEntries === 0;
}

function renderList() {
  showSections();
  const rows = environments.map((env) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.setProperty('--swatch', env.color);
    const name = el('td', { className: 'name' }, env.displayName);
    if (env.production) name.append(' ', el('span', { className: 'badge-prod', textContent: 'PROD' }));
    const edit = el('button', { textContent: 'Edit', type: 'button' });
    edit.addEventListener('click', () => openEditor(env));
    edit.setAttribute('aria-label', `Edit ${env.displayName}`);
    const del = el('button', { textContent: 'Delete', type: 'button' });
    del.addEventListener('click', () => remove(env));
    del.setAttribute('aria-label', `Delete ${env.displayName}`);
    const tr = el('tr', {},
      el('td', {}, swatch), name,
      el('td', { className: 'mono', textContent: formatAccountId(env.accountId) }),
      el('td', { className: 'mono', textContent: env.roleName }),
      kindCell(env),
      el('td', { textContent: env.region ?? '' }),
      el('td', { textContent: env.group ?? '' }),
      el('td', { className: 'actions' }, edit, del));
    tr.dataset.id = env.id;
    return tr;
  });
  $('envs').tBodies[0].replaceChildren(...rows);
}

/** The environments table's kind column: an assumed role, or an Identity Center assignment (its portal as a tooltip). */
export function kindCell(env) {
  const cell = el('td', { className: 'kind', textContent: env.portalUrl ? 'Identity Center' : 'Assumed role' });
  if (env.portalUrl) cell.title = `Opened through ${env.portalUrl}`;
  return cell;
}

/** The kind chosen in the editor: 'role' (assumed role) or 'sso' (Identity Center). */
const editorKind = () => (/** @type {HTMLInputElement} */ (document.querySelector('input[name="kind"]:checked'))).value;

/** Shows the editor's fields for its kind: the portal URL, and the role field as the permission set. */
function showKind() {
  const sso = editorKind() === 'sso';
  for (const node of document.querySelectorAll('#editor .sso-only')) node.hidden = !sso;
  $('roleName-label').textContent = sso ? 'Permission set' : 'Role name';
  $('roleName').placeholder = sso ? 'AdministratorAccess' : 'OrganizationAccountAccessRole';
  $('roleName-help').textContent = sso
    ? 'The permission set’s name as the access portal shows it.'
    : 'Empty means OrganizationAccountAccessRole. A role ARN works too.';
}

async function load() {
  try {
    const state = await protocol.send(MSG.PAGE_BG_GET_LIST);
    environments = state.environments;
    notices(state);
  } catch (err) {
    $('notices').replaceChildren(el('p', { className: 'notice error', textContent: err.message }));
  }
  await wasm;
  renderList();
}

function formInput() {
  const input = { production: $('production').checked };
  for (const f of FIELDS) input[f] = $(f).value;
  input.partition = $('partition').value;
  // All three empty: no base account.
  input.base = { accountId: $('baseAccountId').value, alias: $('baseAlias').value, roleName: $('baseRole').value };
  // Left out: the banner settings' prefix; empty: no prefix at all.
  if ($('noTitlePrefix').checked) input.titlePrefix = '';
  else if ($('titlePrefix').value.trim() !== '') input.titlePrefix = $('titlePrefix').value;
  input.kind = editorKind() === 'sso' ? 'identityCenter' : 'assumedRole';
  input.portalUrl = $('portalUrl').value;
  if (editingId) input.id = editingId;
  return input;
}

function showErrors(errors, only = null) {
  const byField = new Map(errors.map((e) => [e.field, e.message]));
  for (const [field, inputs] of Object.entries(INPUTS)) {
    if (only && !inputs.some((i) => only.has(i))) continue;
    const message = byField.get(field) ?? '';
    $(`error-${field}`).textContent = message;
    for (const i of inputs) $(i).setAttribute('aria-invalid', String(Boolean(message)));
  }
  // A message in the closed "Advanced" section would go unseen.
  if (errors.some((e) => e.field in ADVANCED && (!only || INPUTS[e.field].some((i) => only.has(i))))) {
    $('advanced').open = true;
  }
  const other = errors.filter((e) => !(e.field in INPUTS)).map((e) => e.message);
  $('error-form').textContent = other.join(' ');
}

async function validateLive() {
  await wasm;
  const input = formInput();
  const result = validateEnvironment(input, 'draft');
  showErrors(result.ok ? [] : result.errors, touched);
  const color = result.ok ? result.environment.color : null;
  $('color-preview').style.setProperty('--swatch', color ?? 'transparent');
}

function openEditor(env = null) {
  editingId = env?.id ?? null;
  editingFrom = env?.id ? env : null;
  touched.clear();
  $('editor-title').textContent = env ? `Edit ${env.displayName}` : 'Add environment';
  for (const f of FIELDS) $(f).value = env?.[f] ?? '';
  $(env?.portalUrl ? 'kind-sso' : 'kind-role').checked = true;
  $('portalUrl').value = env?.portalUrl ?? '';
  showKind();
  $('production').checked = env?.production ?? false;
  $('partition').value = env?.partition ?? '';
  $('baseAccountId').value = env?.base?.accountId ?? '';
  $('baseAlias').value = env?.base?.alias ?? '';
  $('baseRole').value = env?.base?.roleName ?? '';
  $('titlePrefix').value = env?.titlePrefix ?? '';
  $('noTitlePrefix').checked = env?.titlePrefix === '';
  $('titlePrefix').disabled = env?.titlePrefix === '';
  $('advanced').open = Boolean(env?.partition || env?.base || env?.titlePrefix !== undefined);
  showErrors([]);
  $('editor').hidden = false;
  $('accountId').focus();
  validateLive();
}

function closeEditor() {
  $('editor').hidden = true;
  editingId = null;
  editingFrom = null;
  if (location.hash) history.replaceState(null, '', location.pathname);
}

async function save(event) {
  event.preventDefault();
  for (const i of ALL_INPUTS) touched.add(i);
  await wasm;
  const checked = validateEnvironment(formInput(), 'draft');
  const errors = checked.ok ? [] : checked.errors;
  if (errors.length) {
    showErrors(errors);
    const first = INPUTS[errors[0].field]?.[0];
    if (first) $(first).focus();
    return;
  }
  try {
    const result = await protocol.send(MSG.PAGE_BG_SAVE_ENV, { input: formInput(), expected: editingFrom ?? undefined });
    if (result.conflict) {
      showConflict(result);
      return;
    }
    if (!result.ok) {
      showErrors(result.errors);
      return;
    }
    toast(`Saved “${result.environment.displayName}”.`);
    closeEditor();
    await load();
  } catch (err) {
    $('error-form').textContent = `Not saved: ${err.message}`;
  }
}

// The entry was changed or deleted in another window while this form was open: ask.
function showConflict({ conflict, current }) {
  const box = $('error-form');
  const keep = el('button', { type: 'button', id: 'conflict-keep' });
  const other = el('button', { type: 'button', id: 'conflict-other' });
  if (conflict === 'changed') {
    box.replaceChildren(`“${current.displayName}” was changed in another window since you opened it. `, keep, ' ', other);
    keep.textContent = 'Save mine anyway';
    other.textContent = 'Show the other version';
    keep.addEventListener('click', () => {
      editingFrom = current;
      $('editor').requestSubmit();
    });
    other.addEventListener('click', () => openEditor(current));
  } else {
    box.replaceChildren('This environment was deleted in another window since you opened it. ', keep, ' ', other);
    keep.textContent = 'Save it again';
    other.textContent = 'Discard my changes';
    keep.addEventListener('click', () => {
      editingFrom = null;
      $('editor').requestSubmit();
    });
    other.addEventListener('click', closeEditor);
  }
}

let undo = null;
function toast(text, onUndo = null) {
  $('toast-text').textContent = text;
  $('toast-undo').hidden = !onUndo;
  undo = onUndo;
  $('toast').hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => ($('toast').hidden = true), onUndo ? 10000 : 4000);
}

async function remove(env) {
  try {
    await protocol.send(MSG.PAGE_BG_DELETE_ENV, { id: env.id });
    await load();
    toast(`Deleted “${env.displayName}”.`, async () => {
      await protocol.send(MSG.PAGE_BG_SAVE_ENV, { input: env });
      await load();
      toast(`Restored “${env.displayName}”.`);
    });
  } catch (err) {
    toast(`Not deleted: ${err.message}`);
  }
}

async function loadExample() {
  try {
    await protocol.send(MSG.PAGE_BG_LOAD_EXAMPLE);
    await load();
    toast('Example list loaded.');
  } catch (err) {
    toast(err.message);
  }
}

function route() {
  if (location.hash === '#add' || location.hash.startsWith('#add?')) {
    openEditor();
    // From a console page's "not in your list — add it": #add?accountId=…&kind=…&roleName=…
    const params = new URLSearchParams(location.hash.slice('#add?'.length));
    const sso = params.get('kind') === 'identityCenter';
    if (sso) {
      // An Identity Center page: its portal URL is not on the page, so the editor asks for it.
      $('kind-sso').checked = true;
      showKind();
      touched.add('portalUrl');
    }
    for (const f of ['accountId', 'roleName']) {
      if (!params.has(f)) continue;
      $(f).value = params.get(f);
      touched.add(f);
    }
    if (params.has('accountId')) $(sso ? 'portalUrl' : 'displayName').focus();
    validateLive();
  }
  if (location.hash === '#import') $('import-section').scrollIntoView();
}

for (const f of ALL_INPUTS) {
  $(f).addEventListener('blur', () => {
    if ($(f).value.trim() !== '') touched.add(f);
    validateLive();
  });
  $(f).addEventListener('input', () => {
    if (touched.has(f)) validateLive();
  });
}
$('partition').addEventListener('change', () => {
  touched.add('partition');
  validateLive();
});
$('noTitlePrefix').addEventListener('change', () => {
  $('titlePrefix').disabled = $('noTitlePrefix').checked;
  touched.add('titlePrefix');
  validateLive();
});
$('production').addEventListener('change', validateLive);
for (const radio of document.querySelectorAll('input[name="kind"]')) {
  radio.addEventListener('change', () => {
    showKind();
    validateLive();
  });
}
$('editor').addEventListener('submit', save);
$('cancel').addEventListener('click', closeEditor);
$('add').addEventListener('click', () => openEditor());
$('empty-add').addEventListener('click', () => openEditor());
$('empty-import').addEventListener('click', () => {
  $('import-section').scrollIntoView();
  $('import-text').focus();
});
$('empty-example').addEventListener('click', loadExample);
$('toast-undo').addEventListener('click', reported('Undo', () => undo?.()));
api.storage.onChanged.addListener(() => load());
window.addEventListener('hashchange', route);

// Listeners above are in place before the first await, so no early click is lost.
await wasm;
for (const { name, hex } of awsColors()) {
  const b = el('button', { type: 'button', title: name });
  b.style.setProperty('--swatch', hex);
  b.setAttribute('aria-label', `Use AWS ${name}`);
  b.addEventListener('click', () => {
    $('color').value = hex;
    touched.add('color');
    validateLive();
  });
  $('aws-colors').append(b);
}
await load();
route();
