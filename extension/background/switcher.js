// Starting a switch from the popup: from a console tab in one step where the
// core says the page allows it (the page's own hidden form, or the
// multi-session switch), otherwise through AWS's switch-role page. Also
// handing the form values to the switch-role page's content script: only for
// the tab and URL the switch was started for, once, within two minutes.
import '../shared/protocol.js';
import { isAwsUrl, isConsoleUrl } from './router.js';

const { MSG } = globalThis.RS.protocol;

const PENDING_TTL_MS = 2 * 60 * 1000;
const key = (tabId) => `pendingSwitch:${tabId}`;

export class Switcher {
  constructor(api, core) {
    this.api = api;
    this.core = core;
    // A switch being started; fill requests wait for it so the page can never ask too early.
    this.starting = Promise.resolve();
  }

  /** Sends `type` to the console tab's content script (top frame); resolves to its result. */
  async ask(tabId, type, payload = {}) {
    const reply = await this.api.tabs.sendMessage(tabId, { type, ...payload }, { frameId: 0 });
    if (!reply) throw new Error('the console page did not answer');
    if ('error' in reply) throw new Error(reply.error);
    return reply.result;
  }

  /**
   * The console tab's context for the core (`{ url, signals, csrf }`), or null when
   * `tab` is not a console page. The URL is the tab's, as the browser reports it.
   * Throws when the page does not answer (e.g. it was open before the extension).
   */
  async pageContext(tab) {
    if (!tab || typeof tab.id !== 'number' || !isConsoleUrl(tab.url ?? '')) return null;
    const { signals, csrf } = await this.ask(tab.id, MSG.BG_CS_PAGE_CONTEXT);
    return { url: tab.url, signals, csrf };
  }

  /**
   * Switches into environment `id` of `list` from `tab`. Resolves to
   * `{ outcome, message? }`: 'posted' (the console posted its form), 'opened'
   * (a multi-session destination opened in a new tab), 'page' (the switch-role
   * page; `message` says why when the one-step switch was not possible), 'portal'
   * (an Identity Center environment: its access portal shortcut opened), or
   * 'refused' (`message` says why; nothing happened).
   */
  async fromPopup(list, id, tab, { alongside = false } = {}) {
    if (list.find((e) => e.id === id)?.portalUrl) return this.openPortal(list, id, tab, { alongside });
    let page = null;
    try {
      page = await this.pageContext(tab);
    } catch {
      const started = await this.start(list, id, tab);
      const message = 'The console page did not answer (reload it to switch in one step): using the switch-role page.';
      return { outcome: 'page', message, ...started };
    }
    if (!page) return { outcome: 'page', ...(await this.start(list, id, tab)) };
    const plan = this.core.planConsoleSwitch(list, id, page);
    if (plan.kind === 'form') {
      try {
        await this.ask(tab.id, MSG.BG_CS_POST_FORM, { plan: { action: plan.action, fields: plan.fields } });
        // (A multi-session console's switch opens a new session in a new tab: alongside already.)
        const posted = { outcome: 'posted', host: plan.host };
        if (!alongside) return posted;
        return { ...posted, message: 'This console holds one session (multi-session is off), so the switch replaces it.' };
      } catch (err) {
        const started = await this.start(list, id, tab);
        return { outcome: 'page', message: `The console page could not post the switch (${err.message}): using the switch-role page.`, ...started };
      }
    }
    if (plan.kind === 'session') {
      let reply;
      try {
        reply = await this.ask(tab.id, MSG.BG_CS_SESSION_SWITCH, { plan: { url: plan.url, body: plan.body } });
      } catch (err) {
        return { outcome: 'refused', message: `The multi-session switch failed: ${err.message}.` };
      }
      if (reply.status !== 200) {
        return { outcome: 'refused', message: `AWS refused the multi-session switch (HTTP ${reply.status}).` };
      }
      const checked = this.core.checkDestination(list, id, reply.destination ?? '');
      if (!checked.ok) return { outcome: 'refused', message: checked.message };
      await this.api.tabs.create({ url: checked.url, active: true });
      return { outcome: 'opened', url: checked.url };
    }
    const started = await this.start(list, id, tab);
    return { outcome: 'page', message: plan.fallbackReason ?? undefined, ...started };
  }

  /**
   * Opens Identity Center environment `id` through its access portal's shortcut link: in
   * `tab` if it is an AWS tab (unless `alongside`: the current session is kept), else in a
   * new tab. Resolves to `{ outcome: 'portal', url }`. Nothing is planned or posted: the
   * portal signs the user in to the assignment.
   */
  async openPortal(list, id, tab, { alongside = false } = {}) {
    const url = this.portalLink(list, id, tab?.url ?? '');
    if (!alongside && tab && typeof tab.id === 'number' && isAwsUrl(tab.url ?? '')) {
      await this.api.tabs.update(tab.id, { url });
      return { outcome: 'portal', url, tabId: tab.id, inNewTab: false };
    }
    const created = await this.api.tabs.create({ url, active: true });
    return { outcome: 'portal', url, tabId: created.id, inNewTab: true };
  }

  /**
   * The core's shortcut link into Identity Center environment `id`: to the console page
   * `pageUrl` moved to the environment's region when it is one, else (no console page, or
   * one of another partition) to the environment's landing page.
   */
  portalLink(list, id, pageUrl) {
    if (isConsoleUrl(pageUrl)) {
      try {
        return this.core.copyLink(list, id, pageUrl);
      } catch {
        // A console page the environment cannot land on (another partition): its landing page.
      }
    }
    return this.core.shortcutLink(list, id);
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
