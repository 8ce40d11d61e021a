// @ts-check
// The user's settings: one item in storage.sync (`settings`: the popup's choices and, under
// `banner`, the banner's), read and changed by the core (src/settings.rs), written here one
// change at a time. Earlier versions kept the banner's in an item of their own
// (`bannerSettings`): they are read from there until the item has its own, and that item is
// removed once the settings are written.

export const SETTINGS_KEY = 'settings';
const LEGACY_BANNER_KEY = 'bannerSettings';

export class SettingsStore {
  /**
   * @param {any} api the browser's extension API (shared/api.js)
   * @param {any} core the core (shared/core.js)
   */
  constructor(api, core) {
    this.api = api;
    this.core = core;
    /** @type {Promise<unknown>} the last change, so that changes run one at a time */
    this.queue = Promise.resolve();
  }

  /** `{ settings, repairs }`: what is stored, checked by the core with defaults. */
  async read() {
    const got = await this.api.storage.sync.get([SETTINGS_KEY, LEGACY_BANNER_KEY]);
    return this.core.readSettings(got[SETTINGS_KEY] ?? null, got[LEGACY_BANNER_KEY] ?? null);
  }

  /**
   * Applies the user's `patch` (any part of the settings, `banner` included) and stores the
   * result: `{ settings, repairs: [] }`. A patch with an invalid value is refused with the
   * core's message for each, and nothing is written.
   * @param {object} patch
   */
  change(patch) {
    const run = this.queue.then(async () => {
      const { settings } = await this.read();
      const next = this.core.changeSettings(settings, patch);
      await this.api.storage.sync.set({ [SETTINGS_KEY]: next });
      await this.api.storage.sync.remove(LEGACY_BANNER_KEY);
      return { settings: next, repairs: [] };
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Whether changed storage.sync `keys` touch the settings.
   * @param {string[]} keys
   */
  static touches(keys) {
    return keys.includes(SETTINGS_KEY) || keys.includes(LEGACY_BANNER_KEY);
  }
}
