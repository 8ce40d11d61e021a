// The settings section of the options page. Settings are validated by the core
// (with defaults) and written by the background; this module only shows them
// and sends changes.
import '../shared/api.js';
import '../shared/protocol.js';

const { protocol } = globalThis.RS;
const { MSG } = protocol;
const $ = (id) => document.getElementById(id);
const KEYS = ['confirmProduction', 'reachableOnly', 'openSessionlessAutomatically'];
const CHOICES = ['enterAction'];

/** Shows `settings`; those in `locked` (set by browser policy) cannot be changed here. */
function show(settings, locked = []) {
  for (const key of [...KEYS, ...CHOICES]) {
    const input = $(`setting-${key}`);
    if (KEYS.includes(key)) input.checked = settings[key];
    else input.value = settings[key];
    input.disabled = locked.includes(key);
    input.closest('label').classList.toggle('locked', input.disabled);
    input.closest('label').title = input.disabled ? 'Set by your organization’s browser policy' : '';
  }
}

async function load() {
  try {
    const { settings, repairs, locked } = await protocol.send(MSG.PAGE_BG_GET_SETTINGS);
    show(settings, locked);
    $('settings-status').textContent = repairs.length ? `Repaired: ${repairs.join(' ')}` : '';
  } catch (err) {
    $('settings-status').textContent = err.message;
  }
}

async function save() {
  const settings = Object.fromEntries([
    ...KEYS.map((key) => [key, $(`setting-${key}`).checked]),
    ...CHOICES.map((key) => [key, $(`setting-${key}`).value]),
  ]);
  try {
    const saved = await protocol.send(MSG.PAGE_BG_SAVE_SETTINGS, { settings });
    show(saved.settings, saved.locked);
    $('settings-status').textContent = 'Saved.';
  } catch (err) {
    $('settings-status').textContent = err.message;
    await load();
  }
}

for (const key of [...KEYS, ...CHOICES]) $(`setting-${key}`).addEventListener('change', save);
load();
