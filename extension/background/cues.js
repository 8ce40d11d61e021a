// Banner lookup and toolbar badge: the service worker's side of the banner.
//
// The core builds the lookup (src/console/lookup.rs) from the list and the banner
// settings; this file stores it where console content scripts read it
// directly, so that a page is labelled before its first paint without waiting
// for this worker to wake up.
//
// Where: chrome.storage.local, not storage.session (which would need
// setAccessLevel('TRUSTED_AND_UNTRUSTED_CONTEXTS') on every worker start).
// Measured with `make bench` (banner section): a document_start content
// script has the lookup from local storage about 10 ms after it starts,
// before the fixture console's first paint (the script holds the page's
// paint for that long at most). Local survives a browser restart, so tabs
// restored at startup are labelled before this worker has run at all, and
// Firefox supports it in content scripts. storage.session, in memory, might
// answer a little faster; not measured here. Content scripts can read local
// storage anyway, so nothing is exposed that was not already.
import '../shared/lookup.js';
import { SettingsStore } from './settings.js';
import { sameStored } from './stored.js';

const { LOOKUP_KEY, lookupEntry } = globalThis.RS.lookup;

/** storage.session: the tab "add it" opened the options page in, reused by the next one. */
const ADD_TAB_KEY = 'addAccountTab';


export class Cues {
  constructor(api, core, store, settings) {
    this.api = api;
    this.core = core;
    this.store = store;
    this.settingsStore = settings; // background/settings.js: the banner's are its `banner`
    this.queue = Promise.resolve();
    this.badgeQueues = new Map(); // tab id → the last badge update
    this.addQueue = Promise.resolve();
  }

  /** `{ settings, repairs }`: the stored banner settings checked by the core. */
  async settings() {
    const { settings, repairs } = await this.settingsStore.read();
    return { settings: settings.banner, repairs };
  }

  /** Stores the banner settings `input` (refused when a value is invalid); the lookup follows through storage.onChanged. */
  async saveSettings(input) {
    const { settings } = await this.settingsStore.change({ banner: input });
    return { settings: settings.banner, repairs: [] };
  }

  /** Whether a storage change touches what the lookup is built from (once the core is ready). */
  affectsLookup(changes, areaName) {
    const keys = Object.keys(changes);
    if (areaName === 'sync') return SettingsStore.touches(keys) || this.store.touches(keys);
    if (areaName === 'local') return this.store.touches(keys);
    return false;
  }

  /** Rebuilds the lookup; writes it only when it changed (every write wakes every console tab). */
  rebuild() {
    const run = this.queue.then(() => this.build());
    this.queue = run.catch((err) => console.warn('Roleswitch: could not rebuild the banner lookup:', err));
    return run;
  }

  async build() {
    const { environments } = await this.store.load();
    const { settings } = await this.settings();
    const lookup = this.core.bannerLookup(environments, settings);
    const stored = (await this.api.storage.local.get(LOOKUP_KEY))[LOOKUP_KEY];
    if (!sameStored(stored, lookup)) {
      await this.api.storage.local.set({ [LOOKUP_KEY]: lookup });
    }
    return lookup;
  }

  /**
   * Sets (or clears) the toolbar badge of `tabId` for a console page in
   * `accountId`/`roleName`; the entry comes from the stored lookup, never from
   * the page, so a page cannot choose what the badge says.
   */
  pageCues(tabId, accountId, roleName, identityCenter = false) {
    // One at a time per tab: a page that learns its account late sends twice in a
    // row, and the later message must be the one that stays.
    const previous = this.badgeQueues.get(tabId) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.setBadge(tabId, accountId, roleName, identityCenter));
    this.badgeQueues.set(tabId, run);
    const forget = () => {
      if (this.badgeQueues.get(tabId) === run) this.badgeQueues.delete(tabId);
    };
    run.then(forget, forget);
    return run;
  }

  async setBadge(tabId, accountId, roleName, identityCenter = false) {
    const lookup = (await this.api.storage.local.get(LOOKUP_KEY))[LOOKUP_KEY];
    const entry = lookupEntry(lookup, accountId, roleName, identityCenter);
    const action = this.api.action;
    if (!entry || !lookup.settings.badgeCue) {
      await action.setBadgeText({ tabId, text: '' });
      return { badge: null };
    }
    await action.setBadgeText({ tabId, text: entry.badgeText });
    await action.setBadgeBackgroundColor({ tabId, color: entry.background });
    await action.setBadgeTextColor?.({ tabId, color: entry.foreground });
    return { badge: entry.badgeText };
  }

  /**
   * Opens the options page with the add form filled in for `accountId`, in
   * the one tab this opens: a second request shows that tab again (pointed at
   * the new account, or just focused when it is the same one, keeping what was
   * typed there), never a pile of tabs. Requests are handled one at a time.
   */
  addAccount(accountId, roleName, identityCenter = false) {
    let wanted;
    try {
      wanted = this.core.accountToAdd(accountId, roleName ?? undefined, identityCenter);
    } catch (err) {
      return Promise.reject(err);
    }
    const params = new URLSearchParams({ accountId: wanted.accountId });
    if (wanted.kind === 'identityCenter') params.set('kind', 'identityCenter');
    if (wanted.roleName) params.set('roleName', wanted.roleName);
    const url = this.api.runtime.getURL(`options/options.html#add?${params}`);
    const run = this.addQueue.catch(() => {}).then(() => this.showAddTab(url));
    this.addQueue = run;
    return run;
  }

  async showAddTab(url) {
    const { tabs, windows, runtime, storage } = this.api;
    const tabId = (await storage.session.get(ADD_TAB_KEY))[ADD_TAB_KEY];
    const page = runtime.getURL('options/options.html');
    // Still there and still the options page (our own pages' contexts need no permission).
    const [open] = Number.isInteger(tabId) && runtime.getContexts
      ? await runtime.getContexts({ contextTypes: ['TAB'], tabIds: [tabId] })
      : [];
    if (open && open.documentUrl?.split('#')[0] === page) {
      // The same URL is no navigation at all (what was typed there stays); another
      // account's changes only the fragment, which the page follows.
      const tab = await tabs.update(tabId, { url, active: true });
      await windows?.update(tab.windowId, { focused: true });
      return { tabId, reused: true };
    }
    const tab = await tabs.create({ url });
    await storage.session.set({ [ADD_TAB_KEY]: tab.id });
    return { tabId: tab.id, reused: false };
  }
}
