// @ts-check
// Team lists: the service worker's side of subscriptions (docs/TEAM-LISTS.md).
//
// The core decides everything about a subscription (the URL rule, what a
// refresh does to its state, the schedule and backoff, the merged view, the
// policy); this file fetches, stores and schedules:
// - `TeamLists` keeps the subscriptions' states and the local choices in
//   storage.local, fetches each list (no credentials, no cache, the core's
//   conditional headers, a timeout, https only after redirects, the core's
//   import cap while reading), hands every result to `applyRefresh` (errors
//   too), and sets one alarm for the next refresh (`refreshSchedule`).
// - `EffectiveList` is the one list everything but the editor uses: the
//   core's `mergedView` of the personal list, the subscriptions and the local
//   choices. `forBanner` holds every entry (a hidden production account still
//   gets its banner, and can be switched into); `forPopup` leaves hidden ones out.
//
// Browser policy (`chrome.storage.managed`, read by the core's
// `readManagedPolicy`) adds subscriptions the user cannot remove, the refresh
// interval, and locked settings.
import { sameStored } from './stored.js';

/** storage.local: the subscriptions' states (the core's `SubscriptionState`), in subscription order. */
export const STATES_KEY = 'teamLists';
/** storage.local: the local choices about entries (the core's `Override`), by account and role. */
export const OVERRIDES_KEY = 'teamOverrides';
/**
 * storage.local: what the popup's footer shows without asking this worker:
 * `{ stale: [{ name, since, text }], changes: null | { at, lists: [{ name, added, changed, removed }] } }`.
 */
export const STATUS_KEY = 'teamStatus';
/** storage.local: the interval the user chose (minutes; policy overrides it). */
export const INTERVAL_KEY = 'teamInterval';
/**
 * storage.local: a stamp written with every change of the local choices, and of
 * the states that can change the entries (a subscription added or removed, a
 * new copy in use); not when a refresh leaves the copy in use as it was (a
 * `304`, the same file, a failure). Small enough for the popup to read on open
 * (shared/popup-cache.js); what the effective list is rebuilt on.
 */
export const REVISION_KEY = 'teamRevision';
/** The alarm that wakes this worker for the next refresh. */
export const REFRESH_ALARM = 'team-lists-refresh';
/** How long a fetch may take before it is given up (and the copy in use marked stale). */
const FETCH_TIMEOUT_MS = 30_000;

/** An error's message (anything can be thrown). */
const messageOf = (/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err));

/** The Fetched value for a request that got no answer. */
const networkError = (message) => ({ fetched: { kind: 'networkError', message }, body: new Uint8Array(0) });

export class TeamLists {
  /**
   * @param {any} api the extension API (shared/api.js)
   * @param {any} core the core's facade
   * @param {{ fetch?: typeof fetch, now?: () => number }} [deps]
   */
  constructor(api, core, deps = {}) {
    this.api = api;
    this.core = core;
    this.fetch = deps.fetch ?? ((url, init) => fetch(url, init));
    this.now = deps.now ?? (() => Date.now());
    this.timeoutMs = FETCH_TIMEOUT_MS;
    /** Where the policy comes from: `chrome.storage.managed` (see managed()). */
    this.managedSource = async () => (this.api.storage.managed ? this.api.storage.managed.get() : {});
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    /** @type {{ source: () => Promise<any>, read: Promise<any> } | null} */
    this.managedRead = null;
  }

  /**
   * Runs `work` after every write queued before it (one at a time, so that two
   * refreshes never write over each other's state).
   * @template T
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  enqueue(work) {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * The popup's settings (`core.readSettings`'s `{ settings, repairs }`) with what policy
   * locks turned on, and `locked`: the names of the settings policy locks.
   */
  async lockSettings(checked) {
    const { settings } = await this.managed();
    const locked = settings.confirmProductionLocked ? ['confirmProduction'] : [];
    const next = { ...checked.settings };
    for (const key of locked) next[key] = true;
    return { ...checked, settings: next, locked };
  }

  /**
   * `{ settings, errors }`: the browser policy as the core reads it (empty when there is none).
   * Read once, and again after `forgetManaged` (the worker calls it when policy changes).
   */
  managed() {
    const source = this.managedSource;
    if (this.managedRead?.source !== source) {
      const read = (async () => {
        let raw = {};
        try {
          raw = (await source()) ?? {};
        } catch (err) {
          // Firefox without a policies.json entry (or a browser without managed storage).
          console.info('Roleswitch: no managed policy:', messageOf(err));
        }
        return this.core.readManagedPolicy(raw);
      })();
      this.managedRead = { source, read };
    }
    return this.managedRead.read;
  }

  /** The policy changed: read it again next time. */
  forgetManaged() {
    this.managedRead = null;
  }

  /** The stored states, with the policy's subscriptions added first when missing. */
  async states() {
    const stored = (await this.api.storage.local.get(STATES_KEY))[STATES_KEY];
    return Array.isArray(stored) ? stored : [];
  }

  async overrides() {
    const stored = (await this.api.storage.local.get(OVERRIDES_KEY))[OVERRIDES_KEY];
    return Array.isArray(stored) ? stored : [];
  }

  /** The refresh interval in minutes: the policy's, else the user's, else null (the core's default). */
  async interval(managed) {
    const policy = (managed ?? (await this.managed())).settings.refreshIntervalMinutes;
    if (policy != null) return policy;
    const own = (await this.api.storage.local.get(INTERVAL_KEY))[INTERVAL_KEY];
    return typeof own === 'number' ? own : null;
  }

  /**
   * Adds the policy's subscriptions that are not stored yet (they are fetched
   * on the next schedule); resolves to the states.
   */
  syncManaged() {
    return this.enqueue(async () => {
      const { settings } = await this.managed();
      const states = await this.states();
      let added = false;
      for (const subscription of settings.subscriptions) {
        if (states.some((s) => s.subscription.url === subscription.url)) continue;
        const made = this.core.subscribe(subscription.url, subscription.name, subscription.group ?? undefined, states);
        if (!made.ok) {
          console.warn(`Roleswitch: the policy's subscription ${subscription.url}: ${made.error}`);
          continue;
        }
        states.push(made.state);
        added = true;
      }
      if (added) await this.save(states);
      return states;
    });
  }

  /**
   * Writes the states (or, with `key`, the overrides) with a new revision stamp;
   * with `entriesChanged: false`, the states alone (their entries are as they were).
   */
  async write(value, key = STATES_KEY, { entriesChanged = true } = {}) {
    if (!entriesChanged) {
      await this.api.storage.local.set({ [key]: value });
      return;
    }
    await this.api.storage.local.set({ [key]: value, [REVISION_KEY]: `${this.now()}-${crypto.randomUUID().slice(0, 8)}` });
  }

  async save(states) {
    await this.write(states);
    await this.writeStatus({ states });
  }

  /**
   * Rewrites the popup footer's record: the stale subscriptions and, when
   * `changes` is given, what a refresh changed (added to what is not shown yet).
   * @param {{ states: any[], changes?: any }} update
   */
  async writeStatus({ states, changes = null }) {
    const current = (await this.api.storage.local.get(STATUS_KEY))[STATUS_KEY] ?? { stale: [], changes: null };
    const stale = states
      .filter((s) => s.status?.kind === 'stale')
      .map((s) => ({ name: s.subscription.name, since: s.status.since, text: s.status.text }));
    let pending = current.changes;
    if (changes) pending = { at: this.now(), lists: [...(pending?.lists ?? []), changes] };
    const next = { stale, changes: pending };
    if (!sameStored(next, current)) await this.api.storage.local.set({ [STATUS_KEY]: next });
  }

  /** The popup showed what changed: forget it. */
  async acknowledgeChanges() {
    return this.enqueue(async () => {
      const current = (await this.api.storage.local.get(STATUS_KEY))[STATUS_KEY];
      if (current?.changes) await this.api.storage.local.set({ [STATUS_KEY]: { ...current, changes: null } });
      return null;
    });
  }

  /**
   * Subscribes to `url` (the options page asked the user for the permission
   * to its origin first) and fetches it at once: `{ ok: true, state, outcome }`
   * or `{ ok: false, error }`.
   * @param {string} url
   * @param {string | undefined} name
   * @param {string | undefined} group
   */
  async subscribe(url, name, group) {
    const made = await this.enqueue(async () => {
      const states = await this.states();
      const result = this.core.subscribe(url, name || undefined, group || undefined, states);
      if (!result.ok) return result;
      if (!(await this.hasPermission(result.permission))) {
        return { ok: false, error: `Roleswitch may not read ${result.permission}: allow it when the browser asks, then subscribe again.` };
      }
      await this.save([...states, result.state]);
      return result;
    });
    if (!made.ok) return made;
    const refreshed = await this.refresh(made.state.subscription.url);
    await this.schedule();
    return { ok: true, state: refreshed.state, outcome: refreshed.outcome };
  }

  /** Removes a subscription the user added, and the permission to its origin when no other needs it. */
  async unsubscribe(url) {
    const { settings } = await this.managed();
    if (settings.subscriptions.some((s) => s.url === url)) {
      throw new Error('This list is set by your organization’s browser policy and cannot be removed here.');
    }
    const permission = await this.enqueue(async () => {
      const states = await this.states();
      const gone = states.find((s) => s.subscription.url === url);
      if (!gone) throw new Error('This list is not subscribed to (any more); reload the page.');
      const rest = states.filter((s) => s !== gone);
      await this.save(rest);
      const permissionOf = (u) => this.core.checkSubscriptionUrl(u).permission;
      const own = permissionOf(url);
      return rest.some((s) => permissionOf(s.subscription.url) === own) ? null : own;
    });
    if (permission) await this.api.permissions.remove({ origins: [permission] }).catch(() => false);
    await this.schedule();
    return null;
  }

  async hasPermission(permission) {
    return this.api.permissions.contains({ origins: [permission] });
  }

  /** Saves one local choice (the core checks it): `{ ok: true, overrides }` or `{ ok: false, error }`. */
  setOverride(change) {
    return this.enqueue(async () => {
      const result = this.core.setOverride(await this.overrides(), change);
      if (result.ok) await this.write(result.overrides, OVERRIDES_KEY);
      return result;
    });
  }

  /** Sets the user's refresh interval (the core brings it into range) and schedules again. */
  async setInterval(minutes) {
    await this.api.storage.local.set({ [INTERVAL_KEY]: minutes });
    await this.schedule();
    return { interval: await this.interval() };
  }

  /**
   * Fetches `url`'s list now and applies the result; `acceptShrink` uses a
   * new copy even if it is a sudden shrink (the user confirmed the removal).
   * Resolves to the core's `{ state, outcome, changes, leftOut }`.
   */
  async refresh(url, { acceptShrink = false } = {}) {
    const before = (await this.states()).find((s) => s.subscription.url === url);
    if (!before) throw new Error('This list is not subscribed to (any more); reload the page.');
    const { fetched, body } = await this.download(before);
    return this.enqueue(async () => {
      // Applied to the state as it is now (a write may have happened during the fetch).
      const states = await this.states();
      const at = states.findIndex((s) => s.subscription.url === url);
      if (at < 0) throw new Error('This list was removed while it was being fetched.');
      const result = this.core.applyRefresh(states[at], fetched, body, this.now(), acceptShrink ? { acceptShrink } : null);
      // A new copy may hold the same entries (the core compares them: the stored state's
      // objects come back from Chromium's storage with their keys in another order).
      states[at] = result.state;
      await this.write(states, STATES_KEY, { entriesChanged: result.entriesChanged });
      const { removed, changed, added } = result.changes;
      const changes = removed.length || changed.length
        ? {
          name: result.state.subscription.name,
          added: added.length,
          changed: changed.length,
          removed: removed.map((e) => e.displayName),
        }
        : null;
      await this.writeStatus({ states, changes });
      return result;
    });
  }

  /**
   * Fetches a subscription's file: `{ fetched, body }` for the core's
   * `applyRefresh`. Never throws: a failure is a `networkError` with its reason.
   */
  async download(state) {
    const { url } = state.subscription;
    const checked = this.core.checkSubscriptionUrl(url);
    if (!checked.ok) return networkError(checked.error);
    if (!(await this.hasPermission(checked.permission))) {
      return networkError(`Roleswitch may not read ${checked.origin} (the permission was removed): subscribe to the list again to allow it.`);
    }
    const headers = Object.fromEntries(this.core.conditionalHeaders(state).map((h) => [h.name, h.value]));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      const response = await this.fetch(url, {
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'follow',
        referrerPolicy: 'no-referrer',
        headers,
        signal: abort.signal,
      });
      const landed = response.url ? new URL(response.url) : null;
      if (landed && landed.protocol !== 'https:') {
        abort.abort();
        return networkError(`The server redirected to ${landed.protocol}//${landed.host}, which is not https; the redirect was refused.`);
      }
      if (response.status === 304) return { fetched: { kind: 'notModified' }, body: new Uint8Array(0) };
      if (!response.ok) {
        abort.abort();
        return { fetched: { kind: 'httpError', status: response.status }, body: new Uint8Array(0) };
      }
      const body = await this.readCapped(response, abort);
      return {
        fetched: {
          kind: 'body',
          contentType: response.headers.get('content-type'),
          etag: response.headers.get('etag'),
          lastModified: response.headers.get('last-modified'),
        },
        body,
      };
    } catch (err) {
      const message = abort.signal.aborted
        ? `no answer within ${Math.round(this.timeoutMs / 1000)} s (timeout)`
        : messageOf(err);
      return networkError(message);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The body's bytes, read until the core's import cap is passed: then reading
   * stops, and the core refuses what was read as too large.
   */
  async readCapped(response, abort) {
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const parts = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      total += value.length;
      if (this.core.importTooLarge(total)) {
        abort.abort();
        await reader.cancel().catch(() => {});
        break;
      }
    }
    const body = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      body.set(part, at);
      at += part.length;
    }
    return body;
  }

  /**
   * Refreshes every subscription that is due (all of them with `all`) and sets
   * the alarm for the next one; resolves to the URLs fetched.
   */
  async refreshDue({ all = false } = {}) {
    const managed = await this.managed();
    const states = await this.syncManaged();
    const due = all
      ? states.map((s) => s.subscription.url)
      : this.core.refreshSchedule(states, await this.interval(managed), this.now()).due;
    for (const url of due) {
      await this.refresh(url).catch((err) => console.warn(`Roleswitch: could not refresh ${url}:`, messageOf(err)));
    }
    await this.schedule();
    return due;
  }

  /** Sets (or clears) the alarm for the next refresh the core plans. */
  async schedule() {
    const states = await this.states();
    const { nextAt } = this.core.refreshSchedule(states, await this.interval(), this.now());
    if (nextAt == null) await this.api.alarms.clear(REFRESH_ALARM);
    else await this.api.alarms.create(REFRESH_ALARM, { when: Math.max(nextAt, this.now() + 1000) });
    return nextAt;
  }

  /**
   * What the options page shows: each subscription (its state, whether policy
   * set it), the merged entries, the policy's settings and errors, the interval.
   */
  async overview(personal) {
    const managed = await this.managed();
    const states = await this.syncManaged();
    const view = this.core.mergedView(personal, states, await this.overrides());
    const locked = new Set(managed.settings.subscriptions.map((s) => s.url));
    return {
      subscriptions: states.map((state) => ({ state, managed: locked.has(state.subscription.url) })),
      entries: view.entries,
      stale: view.stale,
      dormantOverrides: view.dormantOverrides,
      managed,
      interval: await this.interval(managed),
    };
  }
}

/**
 * The list everything but the editor uses, in the shape the banner and the
 * popup caches read from the store (`load()` → `{ environments, unreadable }`,
 * `touches(keys)`), made by the core's `mergedView`. The same array is
 * returned while nothing it is made from changed (the popup cache compares it).
 */
export class EffectiveList {
  /**
   * @param {any} core
   * @param {{ load: () => Promise<any>, touches: (keys: string[]) => boolean }} store the personal list
   * @param {TeamLists} teams
   */
  constructor(core, store, teams) {
    this.core = core;
    this.store = store;
    this.teams = teams;
    this.cached = null; // { personal, revision, all, visible }
    /** For the banner and switching: every entry. */
    this.forBanner = { load: () => this.load('all'), touches: (keys) => this.touches(keys) };
    /** For the popup: the entries not hidden by a local choice. */
    this.forPopup = { load: () => this.load('visible'), touches: (keys) => this.touches(keys) };
  }

  touches(keys) {
    // Every change of what the view is made from comes with a new revision stamp (TeamLists.write).
    return this.store.touches(keys) || keys.includes(REVISION_KEY);
  }

  /** @param {'all' | 'visible'} which */
  async load(which) {
    const personal = await this.store.load();
    // The revision stamp changes with every change of the entries or the choices (TeamLists.write).
    const revision = (await this.teams.api.storage.local.get(REVISION_KEY))[REVISION_KEY] ?? null;
    const c = this.cached;
    if (!c || c.personal !== personal.environments || c.revision !== revision) {
      const [states, overrides] = await Promise.all([this.teams.states(), this.teams.overrides()]);
      const view = this.core.mergedView(personal.environments, states, overrides);
      this.cached = {
        personal: personal.environments,
        revision,
        all: view.entries.map((e) => e.environment),
        visible: view.entries.filter((e) => !e.hidden).map((e) => e.environment),
      };
    }
    const cached = /** @type {NonNullable<typeof this.cached>} */ (this.cached);
    return { ...personal, environments: which === 'all' ? cached.all : cached.visible };
  }
}
