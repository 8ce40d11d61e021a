// The environment list in chrome.storage: sync when it fits, local otherwise.
// The layout (chunks, meta, what to remove) is planned by the core; this file
// only moves the planned items in and out of the storage areas, one write at
// a time.

const AREA_KEY = 'listArea';
// Entries that could not be read back are kept here (local storage) once the
// list is rewritten without them, until the user discards them: never lost silently.
const SET_ASIDE_KEY = 'setAside';
// This browser's last write to sync (its checksum, and the list before and after), so
// that a write another browser made at the same time can have it replayed on top.
const LAST_WRITE_KEY = 'lastSyncWrite';
// What such a replay could not do as it was, shown on the options page for a day.
const SYNC_NOTES_KEY = 'syncNotes';
const NOTES_SHOWN_MS = 24 * 60 * 60 * 1000;

function isListKey(key) {
  return key === 'envs' || key.startsWith('envs.');
}

function pick(items) {
  return Object.fromEntries(Object.entries(items).filter(([k]) => isListKey(k)));
}

export class ListStore {
  constructor(api, core) {
    this.api = api;
    this.core = core;
    this.queue = Promise.resolve();
  }

  /** The sync area's own quota constants, with Chrome's documented values as fallback. */
  syncQuota() {
    const sync = this.api.storage.sync;
    return {
      quotaBytes: sync.QUOTA_BYTES ?? 102400,
      quotaBytesPerItem: sync.QUOTA_BYTES_PER_ITEM ?? 8192,
      maxItems: sync.MAX_ITEMS ?? 512,
    };
  }

  async area() {
    const got = await this.api.storage.local.get(AREA_KEY);
    return got[AREA_KEY] === 'local' ? 'local' : 'sync';
  }

  /** `{ environments, revision, unreadable, repairs, area }`; throws with a readable message. */
  async load() {
    const area = await this.area();
    const items = pick(await this.api.storage[area].get(null));
    const read = this.core.readStored(items);
    const kept = (await this.api.storage.local.get(SET_ASIDE_KEY))[SET_ASIDE_KEY] ?? [];
    const seen = new Set(read.unreadable.map((u) => JSON.stringify(u.raw)));
    const unreadable = [...read.unreadable, ...kept.filter((u) => !seen.has(JSON.stringify(u.raw)))];
    const notes = (await this.api.storage.local.get(SYNC_NOTES_KEY))[SYNC_NOTES_KEY] ?? [];
    const syncNotes = notes.filter((n) => n.at > Date.now() - NOTES_SHOWN_MS).map((n) => n.text);
    return { ...read, unreadable, syncNotes, area };
  }


  /** Writes `environments` as the new list; resolves to the area it went to. */
  async save(environments) {
    return (await this.update(() => ({ environments }))).area;
  }

  /**
   * Read-modify-write, one at a time: `change(current)` returns `{ environments, ...extra }`
   * to write, or an object without `environments` (or throws) to write nothing; resolves to
   * `{ environments, area, ...extra }`. Entries that could not be read are kept aside across
   * the rewrite, unless the change says `dropUnreadable: true` (the user discarded them).
   */
  update(change) {
    const run = this.queue.then(async () => {
      const current = await this.load();
      const { environments, dropUnreadable = false, ...extra } = await change(current);
      if (environments === undefined) return extra;
      // The rewritten list no longer holds the unreadable entries: keep them aside first.
      if (dropUnreadable) await this.api.storage.local.remove(SET_ASIDE_KEY);
      else if (current.unreadable.length) await this.api.storage.local.set({ [SET_ASIDE_KEY]: current.unreadable });
      const area = await this.write(environments, current);
      return { ...extra, environments, area };
    });
    this.queue = run.catch(() => {});
    return run;
  }

  async write(environments, current) {
    const revision = current.revision + 1;
    const syncKeys = Object.keys(pick(await this.api.storage.sync.get(null)));
    const plan = this.core.planWrite(environments, revision, current.checksum, this.syncQuota(), syncKeys);
    if (plan.area === 'sync') {
      try {
        await this.api.storage.sync.set(plan.set);
        if (plan.remove.length) await this.api.storage.sync.remove(plan.remove);
        if (current.area === 'local') await this.clear('local');
        await this.api.storage.local.set({
          [AREA_KEY]: 'sync',
          [LAST_WRITE_KEY]: { checksum: plan.checksum, base: current.environments, ours: environments },
        });
        return 'sync';
      } catch (err) {
        // Quota counted differently than planned, or sync is unavailable: keep the data locally.
        console.warn('Roleswitch: sync storage refused the list, keeping it locally:', err);
      }
    }
    const localKeys = Object.keys(pick(await this.api.storage.local.get(null)));
    const localPlan = this.core.planWrite(environments, revision, current.checksum, null, localKeys);
    await this.api.storage.local.set(localPlan.set);
    if (localPlan.remove.length) await this.api.storage.local.remove(localPlan.remove);
    await this.api.storage.local.set({ [AREA_KEY]: 'local' });
    await this.api.storage.local.remove(LAST_WRITE_KEY);
    return 'local';
  }

  /**
   * Another browser's write reached sync (`meta`: its new meta item). When it was made
   * without this browser's last write, that write is replayed on top of it (see the
   * core's `rebase`), so an entry added or changed on either browser is never lost.
   * Resolves to what was done: 'own', 'after-ours', 'nothing-to-do', 'merged', or 'none'.
   */
  reconcile(meta) {
    return this.update(async (current) => {
      const last = (await this.api.storage.local.get(LAST_WRITE_KEY))[LAST_WRITE_KEY];
      if (!last || !meta || current.area !== 'sync') return { outcome: 'none' };
      if (meta.checksum === last.checksum) return { outcome: 'own' };
      if (meta.parent === last.checksum) {
        await this.api.storage.local.remove(LAST_WRITE_KEY);
        return { outcome: 'after-ours' };
      }
      const rebased = this.core.rebase(last.base, last.ours, current.environments);
      if (rebased.notes.length) {
        const notes = (await this.api.storage.local.get(SYNC_NOTES_KEY))[SYNC_NOTES_KEY] ?? [];
        const at = Date.now();
        const fresh = notes.filter((n) => n.at > at - NOTES_SHOWN_MS);
        await this.api.storage.local.set({ [SYNC_NOTES_KEY]: [...fresh, ...rebased.notes.map((text) => ({ at, text }))] });
      }
      if (!rebased.changed) {
        await this.api.storage.local.remove(LAST_WRITE_KEY);
        return { outcome: 'nothing-to-do', notes: rebased.notes };
      }
      return { outcome: 'merged', notes: rebased.notes, environments: rebased.environments };
    });
  }

  async clear(area) {
    const keys = Object.keys(pick(await this.api.storage[area].get(null)));
    if (keys.length) await this.api.storage[area].remove(keys);
  }
}
