// The environment list in chrome.storage: sync when it fits, local otherwise.
// The layout (chunks, meta, what to remove) is planned by the core; this file
// only moves the planned items in and out of the storage areas, one write at
// a time.

const AREA_KEY = 'listArea';
// Entries that could not be read back are kept here (local storage) once the
// list is rewritten without them, until the user discards them: never lost silently.
const SET_ASIDE_KEY = 'setAside';

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
    return { ...read, unreadable, area };
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
    const plan = this.core.planWrite(environments, revision, this.syncQuota(), syncKeys);
    if (plan.area === 'sync') {
      try {
        await this.api.storage.sync.set(plan.set);
        if (plan.remove.length) await this.api.storage.sync.remove(plan.remove);
        if (current.area === 'local') await this.clear('local');
        await this.api.storage.local.set({ [AREA_KEY]: 'sync' });
        return 'sync';
      } catch (err) {
        // Quota counted differently than planned, or sync is unavailable: keep the data locally.
        console.warn('Roleswitch: sync storage refused the list, keeping it locally:', err);
      }
    }
    const localKeys = Object.keys(pick(await this.api.storage.local.get(null)));
    const localPlan = this.core.planWrite(environments, revision, null, localKeys);
    await this.api.storage.local.set(localPlan.set);
    if (localPlan.remove.length) await this.api.storage.local.remove(localPlan.remove);
    await this.api.storage.local.set({ [AREA_KEY]: 'local' });
    return 'local';
  }

  async clear(area) {
    const keys = Object.keys(pick(await this.api.storage[area].get(null)));
    if (keys.length) await this.api.storage[area].remove(keys);
  }
}
