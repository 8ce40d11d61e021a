// Import (paste, file picker or drag and drop → preview → confirm) and export
// (downloads of each format and of the IAM policy). Reading, checking and
// writing formats is the core's job; this file moves text and shows results.
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

const host = openCore(newGlue, api.runtime.getURL('pkg/roleswitch_bg.wasm'));
await host.ready;
const { exportList, formatAccountId, formats, iamPolicy, importTooLarge, parseImport, planImport } = host.core;
const FORMATS = formats();

// The preview being shown: what was read, and the list revision it was planned against.
let pending = null;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function showList(box, title, items) {
  box.replaceChildren(el('p', { textContent: title }), el('ul', {}, ...items.map((t) => el('li', { textContent: t }))));
  box.hidden = items.length === 0;
}

function resetPreview() {
  pending = null;
  $('import-plan').hidden = true;
  $('import-errors').hidden = true;
  $('import-warnings').hidden = true;
}

// ---- reading the input ----

// One size cap for pasted text, chosen files and dropped files: the core's (importTooLarge).
function refuseTooLarge(source, problem) {
  resetPreview();
  showList($('import-errors'), `${source} was not imported:`, [problem]);
}

async function readFile(file) {
  if (!file) return;
  // Checked before the file is read: a huge file is never loaded.
  const tooLarge = importTooLarge(file.size);
  if (tooLarge) {
    refuseTooLarge(file.name, tooLarge);
    return;
  }
  $('import-text').value = await file.text();
  $('import-text').dataset.fileName = file.name;
  await preview();
}

const readChosen = reported('Reading the file', readFile);
$('import-file').addEventListener('change', (e) => readChosen(e.target.files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('dragging');
});
drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('dragging');
  readChosen(e.dataTransfer.files[0]);
});
$('import-text').addEventListener('input', () => {
  delete $('import-text').dataset.fileName;
  resetPreview();
});

for (const f of FORMATS) $('import-format').append(el('option', { value: f.id, textContent: f.label }));
$('import-format').addEventListener('change', () => {
  $('org-role-label').hidden = $('import-format').value !== 'organizations';
  showSsoFields($('import-format').value === SSO_FORMAT);
  resetPreview();
});

// `aws sso list-accounts` / `list-account-roles` output names no portal: the preview asks for
// it (and for a permission set for accounts listed without roles), and plans again with them.
const SSO_FORMAT = 'awsSso';
function showSsoFields(shown) {
  $('sso-portal-label').hidden = !shown;
  $('sso-set-label').hidden = !shown;
}
const previewAgain = reported('The preview', () => ($('import-text').value.trim() ? preview() : undefined));
for (const id of ['sso-portal', 'sso-set']) {
  $(id).addEventListener('change', previewAgain);
  $(id).addEventListener('keydown', (event) => {
    if (event.key === 'Enter') previewAgain();
  });
}

// ---- preview ----

function mode() {
  return document.querySelector('input[name="import-mode"]:checked').value;
}

async function preview() {
  resetPreview();
  const text = $('import-text').value;
  if (!text.trim()) {
    showList($('import-errors'), 'There is nothing to import yet.', ['Paste a list above, drop a file on it, or choose a file.']);
    return;
  }
  const source = $('import-text').dataset.fileName ?? 'The pasted text';
  // Its size in UTF-8 bytes, as for a file; checked before the text is copied into the core.
  const tooLarge = importTooLarge(new Blob([text]).size);
  if (tooLarge) {
    refuseTooLarge(source, tooLarge);
    return;
  }
  const parsed = parseImport(text, $('import-format').value || null, {
    organizationsRole: $('org-role').value.trim() || 'OrganizationAccountAccessRole',
    guessProduction: true,
    ...ssoOptions(),
  });
  if (parsed.format === 'organizations') $('org-role-label').hidden = false;
  if (parsed.format === SSO_FORMAT) {
    showSsoFields(true);
    // The core's message says what is missing; the field to fill is right there.
    if (!parsed.ok && !$('sso-portal').value.trim()) $('sso-portal').focus();
  }
  if (!parsed.ok) {
    // A long list ends with a line that counts the problems not listed: the list says how many.
    const one = parsed.errors.length === 1;
    showList($('import-errors'), `${source} has ${one ? 'a problem' : 'problems'}; nothing was imported. Fix ${one ? 'it' : 'them'} and preview again:`,
      parsed.errors.map((e) => e.text));
  }
  showList($('import-warnings'), 'Worth a look before importing:', parsed.warnings.map((w) => w.text));
  if (!parsed.ok) return;
  const state = await protocol.send(MSG.PAGE_BG_GET_LIST);
  pending = { format: parsed.format, incoming: parsed.environments, current: state.environments, revision: state.revision };
  renderPlan();
}

/** The access portal (and default permission set) typed for an `aws sso` import, when given. */
function ssoOptions() {
  const portalUrl = $('sso-portal').value.trim();
  const permissionSet = $('sso-set').value.trim();
  return { ...(portalUrl ? { portalUrl } : {}), ...(permissionSet ? { permissionSet } : {}) };
}

function describe(env) {
  return `${formatAccountId(env.accountId)} · ${env.roleName}${env.portalUrl ? ' · Identity Center' : ''}`;
}

/** What an import changes in an entry: the core's list of changed fields, in words. */
function changes(change) {
  return change.fields.map((f) => `${f.field}: ${f.before} → ${f.after}`).join(', ');
}

// Organizations lists guess production from account names: the user confirms each guess here.
function productionToggle(env) {
  const box = el('input', { type: 'checkbox', checked: env.production });
  box.setAttribute('aria-label', `${env.displayName} is production`);
  box.addEventListener('change', () => {
    const target = pending.incoming.find((e) => e.id === env.id);
    if (target) target.production = box.checked;
    renderPlan();
  });
  return el('label', { className: 'check' }, box, 'production');
}

function leaveOut(env) {
  const button = el('button', { type: 'button', textContent: 'Leave out' });
  button.setAttribute('aria-label', `Leave out ${env.displayName}`);
  button.addEventListener('click', () => {
    pending.incoming = pending.incoming.filter((e) => e.id !== env.id);
    renderPlan();
  });
  return button;
}

function group(title, rows) {
  if (!rows.length) return null;
  return el('div', { className: 'plan-group' }, el('h4', { textContent: `${title} (${rows.length})` }), el('table', {}, el('tbody', {}, ...rows)));
}

function renderPlan() {
  const plan = planImport(pending.current, pending.incoming, mode());
  const guessing = pending.format === 'organizations';
  const row = (env, extra = '') =>
    el('tr', {}, el('td', { textContent: env.displayName }), el('td', { className: 'mono', textContent: describe(env) }),
      el('td', {}, guessing ? productionToggle(env) : (env.production ? 'production' : '')), el('td', {}, extra));
  const sections = [
    group('Added', plan.added.map((e) => row(e, leaveOut(e)))),
    group('Changed', plan.changed.map((c) => row(c.after, changes(c)))),
    group('Removed', plan.removed.map((e) => row(e))),
  ].filter(Boolean);
  $('plan-details').replaceChildren(...sections);
  const counts = [
    `${plan.added.length} added`,
    `${plan.changed.length} changed`,
    `${plan.removed.length} removed`,
    `${plan.unchanged.length} left as they are`,
  ];
  $('plan-summary').textContent = `Importing will leave ${plan.result.length} environments: ${counts.join(', ')}.`;
  const nothing = !plan.added.length && !plan.changed.length && !plan.removed.length;
  $('import-confirm').disabled = nothing;
  $('import-confirm').textContent = nothing ? 'Nothing to import: the list already has all of this' : 'Import';
  $('import-plan').hidden = false;
}

for (const radio of document.querySelectorAll('input[name="import-mode"]')) {
  radio.addEventListener('change', () => pending && renderPlan());
}
$('import-preview').addEventListener('click', reported('The preview', preview));
$('import-cancel').addEventListener('click', resetPreview);
$('import-confirm').addEventListener('click', async () => {
  if (!pending) return;
  $('import-confirm').disabled = true;
  try {
    const { plan, area } = await protocol.send(MSG.PAGE_BG_APPLY_IMPORT, {
      environments: pending.incoming,
      mode: mode(),
      revision: pending.revision,
    });
    resetPreview();
    $('import-text').value = '';
    const where = area === 'local' ? ' It is kept on this computer only: too large for browser sync.' : '';
    showList($('import-warnings'), `Imported: ${plan.added.length} added, ${plan.changed.length} changed, ${plan.removed.length} removed.${where}`, []);
    $('import-warnings').hidden = false;
  } catch (err) {
    showList($('import-errors'), err.message, []);
    $('import-errors').hidden = false;
    $('import-confirm').disabled = false;
  }
});

// ---- export ----

function download(text, fileName, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function currentList() {
  return (await protocol.send(MSG.PAGE_BG_GET_LIST)).environments;
}

for (const f of FORMATS.filter((f) => f.canExport)) {
  const button = el('button', { type: 'button', textContent: `Download ${f.label}` });
  button.dataset.format = f.id;
  button.addEventListener('click', reported(`Downloading ${f.label}`, async () => {
    download(exportList(await currentList(), f.id), f.fileName, f.id === 'ownJson' ? 'application/json' : 'text/plain');
  }));
  $('export-buttons').append(button);
}

function policyOptions() {
  return { group: $('policy-group').value || null, requireMfa: $('policy-mfa').checked };
}

async function refreshPolicy() {
  const list = await currentList();
  const groups = [...new Set(list.map((e) => e.group).filter(Boolean))].sort();
  const chosen = $('policy-group').value;
  $('policy-group').replaceChildren(el('option', { value: '', textContent: 'All' }),
    ...groups.map((g) => el('option', { value: g, textContent: `Group: ${g}`, selected: g === chosen })));
  try {
    $('policy-preview').textContent = iamPolicy(list, policyOptions());
    $('policy-error').textContent = '';
    $('policy-download').disabled = false;
  } catch (err) {
    $('policy-preview').textContent = '';
    $('policy-error').textContent = err.message;
    $('policy-download').disabled = true;
  }
}

const refreshPolicyReported = reported('Updating the IAM policy', refreshPolicy);
$('policy-group').addEventListener('change', refreshPolicyReported);
$('policy-mfa').addEventListener('change', refreshPolicyReported);
$('policy-download').addEventListener('click', () => {
  const name = $('policy-group').value ? `roleswitch-policy-${$('policy-group').value}.json` : 'roleswitch-policy.json';
  download($('policy-preview').textContent, name, 'application/json');
});
api.storage.onChanged.addListener(() => refreshPolicyReported());
refreshPolicyReported();

// The controls whose listeners wait for the core above start disabled in options.html: a click
// in the page's first moments would otherwise do nothing. They work from here on.
for (const id of ['import-file', 'import-preview', 'policy-download']) $(id).disabled = false;
