// The environment list in chrome.storage. Each browser keeps its own copy of
// the list's replicated state in storage.local (the source of truth for this
// browser) and exchanges it through storage.sync: every state seen in sync is
// merged in by the core, whose merge loses no addition and undoes no deletion
// whatever order the writes arrive in, and the merged state is written back to
// sync when sync lacks something. This file only moves the core's planned
// items in and out of the storage areas, one change at a time.

// The list's keys, in both areas, are the core's (`isListKey`: a meta item and its chunks).
function pick(core, items) {
  return Object.fromEntries(Object.entries(items).filter(([k]) => core.isListKey(k)));
}

// This browser's name in the merged state (storage.local).
const REPLICA_KEY = 'replicaId';
// Where the list is shared, and why not when it is not (storage.local): see `status()`.
const SYNC_STATUS_KEY = 'syncStatus';
// Written by versions before merging: the area that held the list, entries set
// aside by a rewrite, and the last write replayed by the old rebase.
const LEGACY_AREA_KEY = 'listArea';
const SET_ASIDE_KEY = 'setAside';
const LEGACY_LAST_WRITE_KEY = 'lastSyncWrite';
// What a merge could not do as both browsers meant, shown on the options page for a day.
const SYNC_NOTES_KEY = 'syncNotes';
const NOTES_SHOWN_MS = 24 * 60 * 60 * 1000;

// Retries of a refused sync write: 30 s, then doubling, at most 30 min apart.
const RETRY_FIRST_MS = 30 * 1000;
const RETRY_MAX_MS = 30 * 60 * 1000;

/** Sync refused the write because the list is too large for it (as the browser counts). */
function isSizeError(err) {
  const text = String(err?.message ?? err);
  return /QUOTA_BYTES|MAX_ITEMS/.test(text) && !/MAX_WRITE_OPERATIONS/.test(text);
}

export class ListStore {
  /**
   * `options.now()` is the clock (ms); `options.retry(delayMs)` asks to be called
   * back through `reconcile()` after a refused sync write (the worker sets an alarm).
   */
  constructor(api, core, { now = () => Date.now(), retry = () => {} } = {}) {
    this.api = api;
    this.core = core;
    this.now = now;
    this.retry = retry;
    this.queue = Promise.resolve();
    this.state = null; // this browser's StoredList, once read
    this.cached = null; // its view, until it changes
    this.replica = null;
    this.unsaved = false; // taken from sync on a first run, not yet written here
    this.ownCopy = false; // this browser has a list of its own (not only one still arriving)
  }

  /** The sync area's own quota constants (the core takes Chrome's documented ones for any missing). */
  syncQuota() {
    const sync = this.api.storage.sync;
    return { quotaBytes: sync.QUOTA_BYTES, quotaBytesPerItem: sync.QUOTA_BYTES_PER_ITEM, maxItems: sync.MAX_ITEMS };
  }

  /** Whether changed storage `keys` touch the list (its items, or the legacy area key). */
  touches(keys) {
    return keys.some((k) => this.core.isListKey(k) || k === LEGACY_AREA_KEY);
  }

  async replicaId() {
    if (!this.replica) {
      const got = (await this.api.storage.local.get(REPLICA_KEY))[REPLICA_KEY];
      this.replica = typeof got === 'string' && got ? got : crypto.randomUUID().slice(0, 8);
      if (got !== this.replica) await this.api.storage.local.set({ [REPLICA_KEY]: this.replica });
    }
    return this.replica;
  }

  /** This browser's state: read once, then kept (only this worker writes it). */
  async local() {
    if (!this.state) {
      const items = pick(this.core, await this.api.storage.local.get(null));
      const legacy = await this.api.storage.local.get(LEGACY_AREA_KEY);
      if (items.envs || legacy[LEGACY_AREA_KEY] === 'local') {
        this.state = this.core.StoredList.read(items);
        this.ownCopy = true;
      } else {
        // First run here: start from what sync holds (another browser's list, or
        // the list as a version before merging left it), once it is all there.
        const remote = await this.remote();
        this.state = remote.list ?? this.core.StoredList.read({});
        this.unsaved = remote.list !== null;
        this.ownCopy = remote.list !== null || !remote.unreadable;
      }
    }
    return this.state;
  }

  /**
   * What sync holds: `{ list, unreadable }`; `list` is null when sync holds no
   * list or one that cannot be read now (chunks of a write still arriving, or a
   * newer version's list), and `unreadable` says which.
   */
  async remote() {
    const items = pick(this.core, await this.api.storage.sync.get(null));
    if (!items.envs) return { list: null, unreadable: false };
    try {
      return { list: this.core.StoredList.read(items), unreadable: false };
    } catch (err) {
      console.debug('Roleswitch: the list in sync is not readable now:', err.message);
      return { list: null, unreadable: true };
    }
  }

  /** `{ mode: 'sync' | 'local' | 'retrying', reason?, bytes?, retryAt? }`. */
  async status() {
    return (await this.api.storage.local.get(SYNC_STATUS_KEY))[SYNC_STATUS_KEY] ?? { mode: 'sync' };
  }

  /**
   * `{ environments, revision, unreadable, moreUnreadable, repairs, syncNotes, area, sync }`;
   * `area` is 'local' when the list is too large to be shared through sync.
   * Throws with a readable message when the stored list cannot be read.
   */
  async load() {
    return this.afresh(() => this.view());
  }

  async view() {
    const state = await this.local();
    if (!this.cached) this.cached = state.view();
    const view = this.cached;
    const kept = (await this.api.storage.local.get(SET_ASIDE_KEY))[SET_ASIDE_KEY] ?? [];
    const notes = (await this.api.storage.local.get(SYNC_NOTES_KEY))[SYNC_NOTES_KEY] ?? [];
    const syncNotes = notes.filter((n) => n.at > this.now() - NOTES_SHOWN_MS).map((n) => n.text);
    const sync = await this.status();
    return {
      ...view,
      environments: view.environments,
      unreadable: [...view.unreadable, ...kept],
      syncNotes,
      area: sync.mode === 'local' ? 'local' : 'sync',
      sync,
    };
  }

  /** Writes `environments` as the new list; resolves to where it is kept ('sync' or 'local'). */
  async save(environments) {
    return (await this.update(() => ({ environments }))).area;
  }

  /**
   * Read-modify-write, one at a time: what sync holds is merged in first, then
   * `change(current)` returns `{ environments, ...extra }` to write, or an object
   * without `environments` (or throws) to write nothing; resolves to
   * `{ environments, area, ...extra }`. `dropUnreadable: true` deletes the entries
   * that could not be read (the user discarded them).
   */
  update(change) {
    const run = this.queue.then(() => this.afresh(async () => {
      const state = await this.local();
      const remote = await this.remote();
      const merged = await this.absorb(state, remote.list);
      if (!this.ownCopy && remote.unreadable) {
        throw new Error('Your list is still arriving from browser sync. Nothing was changed; try again in a moment.');
      }
      this.ownCopy = true;
      const current = await this.load();
      const { environments, dropUnreadable = false, ...extra } = await change(current);
      if (environments === undefined) {
        if (merged || this.unsaved) await this.persist(state, remote, { local: true });
        return extra;
      }
      const replica = await this.replicaId();
      state.apply(current.environments, environments, replica, this.now());
      if (dropUnreadable) {
        state.discardUnreadable(replica, this.now());
        await this.api.storage.local.remove(SET_ASIDE_KEY);
      }
      this.cached = null;
      // A change of the user's own is shared even over a list in sync that cannot be read now.
      const area = await this.persist(state, { ...remote, unreadable: false }, { local: true });
      return { ...extra, environments: (await this.load()).environments, area };
    }));
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Brings this browser and sync together: merges what sync holds, and writes
   * the merged list back when sync lacks part of it (another browser's write
   * made without this one's, an earlier write that was refused, or a first run
   * of this version). Resolves to `{ outcome: 'merged' | 'shared' | 'nothing-to-do', notes }`.
   */
  reconcile() {
    const run = this.queue.then(() => this.afresh(async () => {
      const state = await this.local();
      const remote = await this.remote();
      const notes = await this.absorb(state, remote.list);
      const behind = !remote.unreadable && remote.list?.storedChecksum !== state.checksum();
      if (notes || behind || this.unsaved) await this.persist(state, remote, { local: notes !== null || this.unsaved });
      return { outcome: notes ? 'merged' : behind ? 'shared' : 'nothing-to-do', notes: notes ?? [] };
    }));
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Runs `step`; if the core restarted after a trap (losing the list held in it),
   * reads the list again from storage and runs `step` once more (on what the
   * failed run wrote, if it got that far: a change applied twice is no change).
   */
  async afresh(step) {
    try {
      return await step();
    } catch (err) {
      if (!err?.coreRestarted) throw err;
      this.state = null;
      this.cached = null;
      return step();
    }
  }

  /** Merges `remote` into `state`; the notes for the user, or null when nothing changed. */
  async absorb(state, remote) {
    if (!remote) return null;
    const before = state.checksum();
    const notes = state.merge(remote);
    if (notes.length) {
      const kept = (await this.api.storage.local.get(SYNC_NOTES_KEY))[SYNC_NOTES_KEY] ?? [];
      const at = this.now();
      const fresh = kept.filter((n) => n.at > at - NOTES_SHOWN_MS);
      await this.api.storage.local.set({ [SYNC_NOTES_KEY]: [...fresh, ...notes.map((n) => ({ at, text: n.text }))] });
    }
    if (state.checksum() === before) return notes.length ? notes : null;
    this.cached = null;
    return notes;
  }

  /**
   * Writes `state` to local storage (always) and to sync (when sync does not
   * already hold it and it fits). A refused sync write is retried later and
   * loses nothing. Resolves to 'sync', or 'local' when the list is too large for sync.
   */
  async persist(state, remote, { local: writeLocal }) {
    if (writeLocal) {
      const localKeys = Object.keys(pick(this.core, await this.api.storage.local.get(null)));
      const local = state.plan(null, localKeys, this.now());
      await this.api.storage.local.set(local.set);
      if (local.remove.length) await this.api.storage.local.remove(local.remove);
      await this.api.storage.local.remove([LEGACY_AREA_KEY, LEGACY_LAST_WRITE_KEY]);
      this.unsaved = false;
      this.cached = null;
    }
    // Sync already holds this list, or holds one that cannot be read yet (the next change event comes).
    if (remote.unreadable) return (await this.status()).mode === 'local' ? 'local' : 'sync';
    if (remote.list?.storedChecksum === state.checksum()) return this.setStatus({ mode: 'sync' });
    const syncKeys = Object.keys(pick(this.core, await this.api.storage.sync.get(null)));
    const plan = state.plan(this.syncQuota(), syncKeys, this.now());
    if (plan.area !== 'sync') {
      return this.setStatus({ mode: 'local', reason: 'too-large', bytes: plan.bytes, quotaBytes: plan.syncQuotaBytes });
    }
    try {
      await this.api.storage.sync.set(plan.set);
      if (plan.remove.length) await this.api.storage.sync.remove(plan.remove);
      return this.setStatus({ mode: 'sync' });
    } catch (err) {
      if (isSizeError(err)) {
        return this.setStatus({ mode: 'local', reason: 'too-large', bytes: plan.bytes, quotaBytes: plan.syncQuotaBytes });
      }
      // Too many writes for now, or sync unavailable: the list is safe here; try again later.
      const previous = await this.status();
      const attempt = previous.mode === 'retrying' ? previous.attempt + 1 : 0;
      const delay = Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS);
      this.retry(delay);
      console.warn('Roleswitch: sync storage refused the list; retrying in', delay / 1000, 's:', err?.message ?? err);
      await this.api.storage.local.set({
        [SYNC_STATUS_KEY]: { mode: 'retrying', reason: String(err?.message ?? err), attempt, retryAt: this.now() + delay },
      });
      return 'sync';
    }
  }

  async setStatus(status) {
    await this.api.storage.local.set({ [SYNC_STATUS_KEY]: status });
    return status.mode === 'local' ? 'local' : 'sync';
  }
}
