// Starting a switch from the popup, and handing the form values to the
// switch-role page's content script: only for the tab and URL the switch was
// started for, once, within two minutes.
import { isAwsUrl } from './router.js';

const PENDING_TTL_MS = 2 * 60 * 1000;
const key = (tabId) => `pendingSwitch:${tabId}`;

export class Switcher {
  constructor(api, core) {
    this.api = api;
    this.core = core;
    // A switch being started; fill requests wait for it so the page can never ask too early.
    this.starting = Promise.resolve();
  }

  /** Opens the switch-role page for environment `id` in `tab` if it is an AWS tab, else in a new tab. */
  start(environments, id, tab) {
    const run = async () => {
      const plan = this.core.planSwitch(environments, id);
      const pending = { fill: plan.fill, host: plan.signinHost, expires: Date.now() + PENDING_TTL_MS };
      let tabId;
      if (tab && typeof tab.id === 'number' && isAwsUrl(tab.url ?? '')) {
        tabId = tab.id;
        await this.api.storage.session.set({ [key(tabId)]: pending });
        await this.api.tabs.update(tabId, { url: plan.url });
      } else {
        const created = await this.api.tabs.create({ url: plan.url, active: true });
        tabId = created.id;
        await this.api.storage.session.set({ [key(tabId)]: pending });
      }
      return { url: plan.url, tabId, inNewTab: !(tab && tabId === tab.id) };
    };
    const started = this.starting.then(run);
    this.starting = started.catch(() => {});
    return started;
  }

  /** The form values for the switch-role page in `tab` at `url`, or null when no switch was asked for. */
  async takeFill(tab, url) {
    await this.starting;
    if (!tab || typeof tab.id !== 'number') return null;
    const k = key(tab.id);
    const pending = (await this.api.storage.session.get(k))[k];
    if (!pending) return null;
    let page;
    try {
      page = new URL(url);
    } catch {
      return null;
    }
    const stillValid = pending.expires > Date.now();
    const samePage = page.hostname === pending.host && page.pathname.startsWith('/switchrole');
    const sameAccount = page.searchParams.get('account') === pending.fill.account;
    if (!(stillValid && samePage && sameAccount)) return null;
    await this.api.storage.session.remove(k);
    return pending.fill;
  }
}
