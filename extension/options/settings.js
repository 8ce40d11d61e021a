// The settings section of the options page. Settings are validated by the core
// (with defaults) and written by the background; this module only shows them
// and sends changes.
import '../shared/api.js';
import '../shared/protocol.js';

const { protocol } = globalThis.RS;
const { MSG } = protocol;
const $ = (id) => document.getElementById(id);
const KEYS = ['confirmProduction', 'reachableOnly'];
const CHOICES = ['enterAction'];

function show(settings) {
  for (const key of KEYS) $(`setting-${key}`).checked = settings[key];
  for (const key of CHOICES) $(`setting-${key}`).value = settings[key];
}

async function load() {
  try {
    const { settings, repairs } = await protocol.send(MSG.PAGE_BG_GET_SETTINGS);
    show(settings);
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
    show((await protocol.send(MSG.PAGE_BG_SAVE_SETTINGS, { settings })).settings);
    $('settings-status').textContent = 'Saved.';
  } catch (err) {
    $('settings-status').textContent = err.message;
    await load();
  }
}

for (const key of [...KEYS, ...CHOICES]) $(`setting-${key}`).addEventListener('change', save);
load();
