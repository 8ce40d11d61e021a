// The service worker: owns every storage write, runs the core (wasm), and
// answers the popup, the options page and the content scripts. Listeners are
// registered synchronously; handlers wait for the wasm inside.
import './shared/api.js';
import './shared/protocol.js';
import init, * as core from './pkg/roleswitch.js';
import { classifySender, isAllowed } from './background/router.js';
import { ListStore } from './background/store.js';
import { Switcher } from './background/switcher.js';
import { Cues } from './background/cues.js';

const { api, protocol } = globalThis.RS;
const { MSG } = protocol;

const ready = init({ module_or_path: api.runtime.getURL('pkg/roleswitch_bg.wasm') });
const store = new ListStore(api, core);
const switcher = new Switcher(api, core);
const cues = new Cues(api, core, store);

async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
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
    case MSG.POPUP_BG_SWITCH: {
      const { environments } = await store.load();
      return switcher.start(environments, msg.id, await activeTab());
    }
    case MSG.PAGE_BG_GET_BANNER_SETTINGS:
      return cues.settings();
    case MSG.PAGE_BG_SAVE_BANNER_SETTINGS:
      return cues.saveSettings(msg.settings);
    case MSG.CS_BG_PAGE_CUES:
      return cues.pageCues(sender.tab.id, msg.accountId ?? null, msg.roleName ?? null);
    case MSG.CS_BG_ADD_ACCOUNT:
      return cues.addAccount(msg.accountId, msg.roleName);
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

// The banner lookup follows the list and the settings. It is rebuilt each time
// this worker starts (install, browser start, or woken by any event) and on
// every change of what it is built from.
api.storage.onChanged.addListener((changes, areaName) => {
  if (Cues.affectsLookup(changes, areaName)) ready.then(() => cues.rebuild());
});
ready.then(() => cues.rebuild());
