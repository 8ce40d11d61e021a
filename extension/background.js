// The service worker: owns every storage write, runs the core (wasm), and
// answers the popup, the options page and the content scripts. Listeners are
// registered synchronously; handlers wait for the wasm inside.
import './shared/api.js';
import './shared/protocol.js';
import init, * as core from './pkg/roleswitch.js';
import { classifySender, isAllowed } from './background/router.js';
import { ListStore } from './background/store.js';
import { Switcher } from './background/switcher.js';

const { api, protocol } = globalThis.RS;
const { MSG } = protocol;

const ready = init({ module_or_path: api.runtime.getURL('pkg/roleswitch_bg.wasm') });
const SETTINGS_KEY = 'settings'; // storage.sync
const RECENTS_KEY = 'recents'; // storage.local
const store = new ListStore(api, core);
const switcher = new Switcher(api, core);

async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}

/** `{ settings, repairs }`: the stored settings, validated by the core with defaults. */
async function loadSettings() {
  const got = await api.storage.sync.get(SETTINGS_KEY);
  return core.readSettings(got[SETTINGS_KEY] ?? null);
}

async function loadRecents() {
  return (await api.storage.local.get(RECENTS_KEY))[RECENTS_KEY] ?? [];
}

let recentsQueue = Promise.resolve();
function recordRecent(id) {
  recentsQueue = recentsQueue
    .then(async () => api.storage.local.set({ [RECENTS_KEY]: core.touchRecent(await loadRecents(), id) }))
    .catch((err) => console.warn('Roleswitch: could not remember the recent switch:', err));
  return recentsQueue;
}

async function popupView() {
  const state = await store.load();
  const tab = await activeTab();
  let signals = null;
  try {
    signals = (await switcher.pageContext(tab))?.signals ?? null;
  } catch {
    signals = null; // a console page without our content script: no identity
  }
  const { settings } = await loadSettings();
  const view = core.popupView(state.environments, signals, await loadRecents(), settings);
  return { environments: state.environments, unreadable: state.unreadable, view, settings };
}

async function handle(msg, sender) {
  const problem = protocol.checkMessage(msg);
  if (problem) throw new Error(problem);
  const kind = classifySender(sender, api.runtime.id, api.runtime.getURL(''));
  if (!isAllowed(kind, msg.type)) {
    throw new Error(`${msg.type} is not accepted from ${kind ?? 'this sender'}`);
  }
  await ready;
  switch (msg.type) {
    case MSG.PAGE_BG_GET_LIST:
      return store.load();
    case MSG.PAGE_BG_SAVE_ENV: {
      const { environments } = await store.load();
      const checked = core.saveEnvironment(environments, msg.input, crypto.randomUUID());
      if (!checked.ok) return checked;
      const area = await store.save(checked.environments);
      return { ...checked, area };
    }
    case MSG.PAGE_BG_DELETE_ENV: {
      const { environments } = await store.load();
      const removed = environments.find((e) => e.id === msg.id);
      const next = core.deleteEnvironment(environments, msg.id);
      const area = await store.save(next);
      return { removed, environments: next, area };
    }
    case MSG.PAGE_BG_LOAD_EXAMPLE: {
      const { environments } = await store.load();
      if (environments.length) throw new Error('The example list is only offered while your list is empty.');
      const next = core.exampleEnvironments();
      const area = await store.save(next);
      return { environments: next, area };
    }
    case MSG.PAGE_BG_GET_SETTINGS:
      return loadSettings();
    case MSG.PAGE_BG_SAVE_SETTINGS: {
      const checked = core.readSettings(msg.settings);
      if (checked.repairs.length) throw new Error(checked.repairs.join(' '));
      await api.storage.sync.set({ [SETTINGS_KEY]: checked.settings });
      return checked;
    }
    case MSG.POPUP_BG_GET_VIEW:
      return popupView();
    case MSG.POPUP_BG_SWITCH: {
      const { environments } = await store.load();
      let list = environments;
      let id = msg.id;
      if (msg.back) {
        const base = core.backEnvironment(environments, msg.id);
        if (!base) throw new Error('This environment has no base role to switch back into.');
        list = environments.some((e) => e.id === base.id) ? environments : [base];
        id = base.id;
      }
      const result = await switcher.fromPopup(list, id, await activeTab());
      if (result.outcome !== 'refused' && environments.some((e) => e.id === id)) await recordRecent(id);
      return result;
    }
    case MSG.CS_BG_GET_BANNER: {
      const { environments } = await store.load();
      return core.bannerForPage(environments, msg.signals);
    }
    case MSG.CS_BG_TAKE_FILL:
      // The page's own URL as the browser reports it, not as the page claims.
      return switcher.takeFill(sender.tab, sender.url);
    default:
      throw new Error(`unhandled message type ${msg.type}`);
  }
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  handle(msg, sender).then(
    (result) => sendResponse({ result: result ?? null }),
    (err) => sendResponse({ error: err?.message || String(err) }),
  );
  return true;
});
