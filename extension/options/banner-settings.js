// Options page: the banner and tab-cue settings (the `banner` part of the one settings
// item). Self-contained: the core checks what is saved (an invalid value is refused with
// its message), the service worker stores it and rebuilds the banner lookup.
import '../shared/api.js';
import '../shared/protocol.js';

const { api } = globalThis.RS;
/** @type {Protocol} */
const protocol = globalThis.RS.protocol;
const { MSG } = protocol;
const form = document.getElementById('banner-form');
const status = document.getElementById('banner-settings-status');

function show({ settings, repairs }) {
  for (const input of form.elements) {
    if (!(input.name in settings)) continue;
    if (input.type === 'checkbox') input.checked = settings[input.name];
    else if (document.activeElement !== input) input.value = settings[input.name];
  }
  form.elements.titlePrefixProduction.disabled = !settings.titleCue;
  form.elements.titlePrefixNormal.disabled = !settings.titleCue;
  if (repairs.length) status.textContent = `Stored settings were repaired: ${repairs.join(' ')}`;
}

function read() {
  const settings = {};
  for (const input of form.elements) {
    if (!input.name) continue;
    settings[input.name] = input.type === 'checkbox' ? input.checked : input.value;
  }
  return settings;
}

async function load() {
  try {
    show(await protocol.send(MSG.PAGE_BG_GET_BANNER_SETTINGS));
  } catch (err) {
    status.textContent = err.message;
  }
}

async function save() {
  try {
    const checked = await protocol.send(MSG.PAGE_BG_SAVE_BANNER_SETTINGS, { settings: read() });
    show(checked);
    status.textContent = checked.repairs.length ? checked.repairs.join(' ') : 'Saved. Open console pages follow at once.';
  } catch (err) {
    status.textContent = `Not saved: ${err.message}`;
  }
}

form.addEventListener('change', save);
form.addEventListener('submit', (event) => event.preventDefault());
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync' && 'settings' in changes) load();
});
load();
