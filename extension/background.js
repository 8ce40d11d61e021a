// @ts-check
// The service worker: owns every storage write, runs the core (wasm), and
// answers the popup, the options page and the content scripts. Listeners are
// registered synchronously; handlers wait for the wasm inside.
import './shared/api.js';
import './shared/protocol.js';
import { newGlue } from './pkg/roleswitch-factory.js';
import { openCore } from './shared/core.js';
import { classifySender, isAllowed } from './background/router.js';
import { ListStore } from './background/store.js';
import { Switcher } from './background/switcher.js';
import { Cues } from './background/cues.js';
import { SettingsStore } from './background/settings.js';
import { PopupCache } from './background/popup-cache.js';
import { COPY_LINK_COMMAND, Links } from './background/links.js';
import { Sessions } from './background/sessions.js';
import { Sessionless } from './background/sessionless.js';
import { TeamLists, EffectiveList, REFRESH_ALARM } from './background/subscriptions.js';
import { sameStored } from './background/stored.js';

const { api } = globalThis.RS;
/** @type {Protocol} */
const protocol = globalThis.RS.protocol;
const { MSG } = protocol;

// The core, started again after any trap (see shared/core.js). `RS.coreHost` is for the
// console and the tests: its restarts and its current instance.
const coreHost = (globalThis.RS.coreHost = openCore(newGlue, api.runtime.getURL('pkg/roleswitch_bg.wasm')));
const { core, ready } = coreHost;
ready.then(
  () => console.info(`Roleswitch ${core.version()}: core ready`),
  (err) => console.error('Roleswitch: the core (wasm) failed to load:', err),
);
const RECENTS_KEY = 'recents'; // storage.local
const FAVORITES_KEY = 'favorites'; // storage.sync: starred ids, in star order
// The popup's folded groups (storage.local): at most this many keys, each this long at most.
const MAX_COLLAPSED = 1000;
const MAX_SECTION_KEY = 1000;
// A sync write refused for now (too many writes, sync unavailable) is retried by an
// alarm, which wakes this worker even after it went idle.
const SYNC_RETRY_ALARM = 'sync-retry';
const store = new ListStore(api, core, {
  retry: (delayMs) => api.alarms.create(SYNC_RETRY_ALARM, { when: Date.now() + delayMs }),
});
const switcher = new Switcher(api, core);
// Team lists: the popup, the banner and switching use the merged list (personal entries,
// subscriptions, local choices); the options page's editor and imports the personal list.
// `RS.teamLists` is for the console and the tests.
const teamLists = (globalThis.RS.teamLists = new TeamLists(api, core));
const effective = new EffectiveList(core, store, teamLists);
const settingsStore = new SettingsStore(api, core);
const cues = new Cues(api, core, effective.forBanner, settingsStore);
const links = new Links(api, core, effective.forBanner, switcher);
const sessions = new Sessions(api, core);

async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}

/** `{ settings, repairs }`: the stored settings, validated by the core with defaults. */
async function loadSettings() {
  return teamLists.lockSettings(await settingsStore.read());
}

async function loadRecents() {
  return (await api.storage.local.get(RECENTS_KEY))[RECENTS_KEY] ?? [];
}

async function loadFavorites() {
  return (await api.storage.sync.get(FAVORITES_KEY))[FAVORITES_KEY] ?? [];
}

let favoritesQueue = Promise.resolve();
/** Stars or unstars `id` (one write at a time); resolves to the new favorites. */
function toggleFavorite(id) {
  const run = favoritesQueue.then(async () => {
    const next = core.toggleFavorite(await loadFavorites(), id);
    await api.storage.sync.set({ [FAVORITES_KEY]: next });
    return next;
  });
  favoritesQueue = run.catch(() => {});
  return run;
}

let recentsQueue = Promise.resolve();
function recordRecent(id) {
  recentsQueue = recentsQueue
    .then(async () => api.storage.local.set({ [RECENTS_KEY]: core.touchRecent(await loadRecents(), id) }))
    .catch((err) => console.warn('Roleswitch: could not remember the recent switch:', err));
  return recentsQueue;
}

// Console pages whose host names an account this browser has no session in.
const sessionless = new Sessionless(api, core, effective.forBanner, { loadSettings, sessions, switcher });

// What the popup shows, precomputed so that it paints without waiting for this worker.
const popupCache = new PopupCache(api, core, effective.forPopup, {
  loadSettings,
  loadRecents,
  loadFavorites,
  pageContext: (tab) => switcher.pageContext(tab),
});

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
    case MSG.PAGE_BG_SAVE_ENV:
      return store.update(({ environments }) => {
        // An edit started from an older version of this entry: ask instead of overwriting.
        if (msg.expected) {
          const current = environments.find((e) => e.id === msg.expected.id);
          if (!sameStored(current ?? null, msg.expected)) {
            return { ok: false, conflict: current ? 'changed' : 'deleted', current: current ?? null, errors: [] };
          }
        }
        const checked = core.saveEnvironment(environments, msg.input, crypto.randomUUID());
        // Invalid: the field messages go back to the form and nothing is written.
        return checked.ok ? checked : { ok: false, errors: checked.errors };
      });
    case MSG.PAGE_BG_DELETE_ENV:
      return store.update(({ environments }) => ({
        removed: environments.find((e) => e.id === msg.id),
        environments: core.deleteEnvironment(environments, msg.id),
      }));
    case MSG.PAGE_BG_LOAD_EXAMPLE:
      return store.update(({ environments }) => {
        if (environments.length) throw new Error('The example list is only offered while your list is empty.');
        return { environments: core.exampleEnvironments() };
      });
    case MSG.PAGE_BG_APPLY_IMPORT:
      return store.update((current) => {
        // Checked again here: the page's preview is not trusted to be valid or current.
        const checked = core.validateList(msg.environments);
        if (!checked.ok) throw new Error(`Nothing was imported: ${checked.errors.map((e) => e.text).join(' ')}`);
        if (current.revision !== msg.revision) {
          throw new Error('Nothing was imported: the list changed since this preview. Preview the import again.');
        }
        const plan = core.planImport(current.environments, checked.environments, msg.mode);
        return { plan, environments: plan.result };
      });
    case MSG.PAGE_BG_DISCARD_UNREADABLE:
      // Rewrites the list without them, and forgets those kept aside.
      return store.update(({ environments }) => ({ environments, dropUnreadable: true }));
    case MSG.PAGE_BG_GET_SETTINGS:
      return loadSettings();
    case MSG.PAGE_BG_SAVE_SETTINGS: {
      // A setting the organization's browser policy keeps on cannot be turned off here.
      const policy = await teamLists.lockSettings({ settings: {}, repairs: [] });
      if (policy.locked.some((key) => msg.settings[key] === false)) {
        throw new Error('Your organization’s browser policy keeps this setting on.');
      }
      return teamLists.lockSettings(await settingsStore.change(msg.settings));
    }
    case MSG.POPUP_BG_GET_VIEW:
      return popupCache.forPopup(await activeTab());
    case MSG.POPUP_BG_TOGGLE_FAVORITE: {
      const { environments } = await effective.forPopup.load();
      if (!environments.some((e) => e.id === msg.id)) {
        throw new Error('This environment is no longer in the list; reopen the popup.');
      }
      await toggleFavorite(msg.id);
      // The new order and sections, made now (and stored for the next open); the rows
      // have not changed unless the list did (the popup compares the stamp).
      const { first, view } = await popupCache.forPopup(await activeTab());
      return { first, view };
    }
    case MSG.POPUP_BG_SET_COLLAPSED: {
      const { keys } = msg;
      if (!Array.isArray(keys) || keys.length > MAX_COLLAPSED
        || !keys.every((key) => typeof key === 'string' && key.length <= MAX_SECTION_KEY)) {
        throw new Error(`Folded groups: expected at most ${MAX_COLLAPSED} group keys of at most ${MAX_SECTION_KEY} characters.`);
      }
      await api.storage.local.set({ [globalThis.RS.popupCache.COLLAPSED_KEY]: keys });
      return null;
    }
    case MSG.POPUP_BG_SWITCH: {
      const { environments } = await effective.forBanner.load();
      let list = environments;
      let id = msg.id;
      if (msg.back) {
        const base = core.backEnvironment(environments, msg.id);
        if (!base) throw new Error('This environment has no base role to switch back into.');
        list = environments.some((e) => e.id === base.id) ? environments : [base];
        id = base.id;
      }
      const tab = await activeTab();
      // A live session already there: go to its tab, unless a new one was asked for (Shift+Enter).
      const open = msg.back || msg.alongside ? null : await sessions.goToOpen(list, id, tab);
      if (open) return open;
      // The console holds five sessions: before a sixth, the popup offers to go to one.
      const full = msg.alongside && !msg.back ? await sessions.beforeAlongside(list, id, tab) : null;
      if (full) return full;
      const result = await switcher.fromPopup(list, id, tab, { alongside: msg.alongside === true });
      if (result.outcome !== 'refused' && environments.some((e) => e.id === id)) await recordRecent(id);
      return result;
    }
    case MSG.POPUP_BG_COPY_LINK:
      return links.forTab(await activeTab());
    case MSG.POPUP_BG_GO_TO_SESSION:
      return sessions.goTo(msg.tabId);
    case MSG.PAGE_BG_GET_BANNER_SETTINGS:
      return cues.settings();
    case MSG.PAGE_BG_SAVE_BANNER_SETTINGS:
      return cues.saveSettings(msg.settings);
    case MSG.CS_BG_PAGE_CUES:
      return cues.pageCues(sender.tab.id, msg.accountId ?? null, msg.roleName ?? null, msg.identityCenter === true);
    case MSG.CS_BG_ADD_ACCOUNT:
      return cues.addAccount(msg.accountId, msg.roleName, msg.identityCenter === true);
    case MSG.CS_BG_PAGE_SIGNALS:
      return popupCache.report(sender.tab.id, sender.url, msg.signals);
    case MSG.CS_BG_SESSIONLESS_OFFER:
      // The page's URL as the browser reports it, not as the page claims.
      return sessionless.offer(sender.tab, sender.url);
    case MSG.CS_BG_OPEN_OFFERED:
      return sessionless.openOffered(sender.tab, sender.url, msg.id);
    case MSG.CS_BG_TAKE_FILL:
      // The page's own URL as the browser reports it, not as the page claims.
      return switcher.takeFill(sender.tab, sender.url);
    // Team lists (background/subscriptions.js).
    case MSG.PAGE_BG_GET_TEAM_LISTS:
      return teamLists.overview((await store.load()).environments);
    case MSG.PAGE_BG_SUBSCRIBE:
      return teamLists.subscribe(msg.url, msg.name, msg.group);
    case MSG.PAGE_BG_UNSUBSCRIBE:
      return teamLists.unsubscribe(msg.url);
    case MSG.PAGE_BG_REFRESH_TEAM_LIST: {
      const result = await teamLists.refresh(msg.url, { acceptShrink: msg.acceptShrink ?? false });
      await teamLists.schedule();
      return result;
    }
    case MSG.PAGE_BG_SET_TEAM_OVERRIDE:
      return teamLists.setOverride(msg.change);
    case MSG.PAGE_BG_SET_TEAM_INTERVAL:
      return teamLists.setInterval(msg.minutes);
    case MSG.POPUP_BG_TEAM_CHANGES_SEEN:
      return teamLists.acknowledgeChanges();
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

// Copy link from the keyboard (manifest `commands`): for the tab it was pressed in.
api.commands.onCommand.addListener((command, tab) => {
  if (command !== COPY_LINK_COMMAND) return;
  ready
    .then(() => links.copyFromCommand(tab))
    .then(
      (link) => console.info('Roleswitch: link copied:', link),
      (err) => console.warn('Roleswitch: no link copied:', err.message),
    );
});

// The banner lookup follows the list and the settings. It is rebuilt each time
// this worker starts (install, browser start, or woken by any event) and on
// every change of what it is built from.
api.storage.onChanged.addListener((changes, areaName) => {
  ready.then(() => {
    if (cues.affectsLookup(changes, areaName)) cues.rebuild();
  });
});
ready.then(() => cues.rebuild());

// A new install has no folded groups of an older version's to take over (the popup's
// localStorage, read once by the popup when this key is missing): say so before any popup opens.
api.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') api.storage.local.set({ [globalThis.RS.popupCache.COLLAPSED_KEY]: [] }).catch(() => {});
});

// The popup's records follow the same way (and the console tabs' reports).
api.storage.onChanged.addListener((changes, areaName) => {
  if (PopupCache.affects(changes, areaName)) ready.then(() => popupCache.rebuild());
});
ready.then(() => popupCache.rebuild());

// A list written to sync by another browser (or this one), a retry that is due, or
// this worker starting: merge what sync holds and share what it lacks.
function reconcile(why) {
  return ready
    .then(() => store.reconcile())
    .then(({ outcome, notes }) => {
      if (outcome !== 'nothing-to-do') console.info(`Roleswitch: list ${outcome} (${why}).`, notes);
    })
    .catch((err) => console.warn('Roleswitch: could not bring the list and sync together:', err.message));
}
api.storage.onChanged.addListener((changes, areaName) => {
  if (areaName !== 'sync') return;
  ready.then(() => {
    if (store.touches(Object.keys(changes))) reconcile('sync changed');
  });
});
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_RETRY_ALARM) reconcile('retry');
});
reconcile('start');

// Team lists: refreshed when the browser starts, when the core's schedule says (one alarm for
// the next due subscription, backoff included), on demand (messages above), and when the
// policy changes (its subscriptions are added).
// One run at a time: a browser start wakes this worker (a run) and sends onStartup (another).
let teamRefreshes = Promise.resolve();
function refreshTeamLists(why, options) {
  teamRefreshes = teamRefreshes
    .then(() => ready)
    .then(() => teamLists.refreshDue(options))
    .then((due) => {
      if (due.length) console.info(`Roleswitch: team lists refreshed (${why}):`, due);
    })
    .catch((err) => console.warn('Roleswitch: could not refresh the team lists:', err.message));
  return teamRefreshes;
}
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === REFRESH_ALARM) refreshTeamLists('alarm');
});
api.runtime.onStartup.addListener(() => refreshTeamLists('browser start', { all: true }));
api.storage.onChanged.addListener((changes, areaName) => {
  if (areaName !== 'managed') return;
  teamLists.forgetManaged();
  refreshTeamLists('policy changed');
  // Locked settings reach the popup through its precomputed records.
  ready.then(() => popupCache.rebuild());
});
// Any other wake: fetch what is due (nothing, usually) and make sure the alarm is set.
refreshTeamLists('worker start');
