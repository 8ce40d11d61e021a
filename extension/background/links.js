// @ts-check
// "Copy link" (the popup's button and the copy-link command): the core's link to the
// active console tab's page in the environment that page is in (src/links.rs): the access
// portal's shortcut for an Identity Center assignment, AWS's switch-role link for an
// assumed role. Nothing from the page but its URL and its identity goes into the core,
// and nothing secret comes out (docs/LINKS.md).
import '../shared/protocol.js';
import { isConsoleUrl } from './router.js';

const { MSG } = globalThis.RS.protocol;

/** How long the command's note ("Link copied", or why not) stays. */
export const NOTE_MS = 2000;

/** The command's name in the manifest (`commands`). */
export const COPY_LINK_COMMAND = 'copy-link';

export class Links {
  /**
   * @param {any} api
   * @param {any} core
   * @param {{ load: () => Promise<{ environments: any[] }> }} store
   * @param {import('./switcher.js').Switcher} switcher
   */
  constructor(api, core, store, switcher) {
    this.api = api;
    this.core = core;
    this.store = store;
    this.switcher = switcher;
  }

  /**
   * `{ link, displayName }` for the page in `tab`; throws the message to show when there
   * is none (not a console page, a page that does not answer, an account not in the list).
   */
  async forTab(tab) {
    if (!tab || !isConsoleUrl(tab.url ?? '')) {
      throw new Error('Copy link works on an AWS console page: open the page to share, then try again.');
    }
    let page;
    try {
      page = await this.switcher.pageContext(tab);
    } catch {
      page = null;
    }
    if (!page) throw new Error('The console page did not answer: reload it, then copy the link again.');
    const { environments } = await this.store.load();
    const banner = this.core.bannerForPage(environments, page.signals);
    const env = banner && environments.find((e) => e.id === banner.envId);
    if (!env) throw new Error('This console page’s account is not in your list: add it to copy a link to it.');
    // The tab's URL as the browser reports it; the core refuses anything not a console page.
    return { link: this.core.copyLink(environments, env.id, tab.url), displayName: env.displayName };
  }

  /**
   * The command: copies the link for `tab` (the active tab when not given). A worker has no
   * clipboard (Chrome's service worker has no `navigator.clipboard`, and an offscreen
   * document is Chrome-only), so the console tab's own content script writes it
   * (content/fastpath.js), the same way in Chrome and Firefox, with the clipboardWrite
   * permission (a command gives the page no user activation). Resolves to what happened,
   * for the log: the command has no window of its own to say it in.
   */
  async copyFromCommand(tab) {
    const [active] = tab ? [tab] : await this.api.tabs.query({ active: true, lastFocusedWindow: true });
    try {
      const { link } = await this.forTab(active);
      const { copied } = await this.switcher.ask(active.id, MSG.BG_CS_COPY_TEXT, { text: link });
      if (!copied) throw new Error('The page could not write to the clipboard.');
      await this.tell(active, 'Link copied', true);
      return link;
    } catch (err) {
      await this.tell(active, `No link copied: ${err instanceof Error ? err.message : String(err)}`, false);
      throw err;
    }
  }

  /**
   * Says `text` for NOTE_MS: in the console page's banner, or where the tab has none (not a
   * console page, a page that does not answer, no banner drawn) on the toolbar badge, ✓ or
   * !, with `text` as the button's tooltip. Both work alike in Chrome and Firefox.
   */
  async tell(tab, text, ok) {
    if (typeof tab?.id !== 'number') return;
    const tabId = tab.id;
    try {
      if ((await this.switcher.ask(tabId, MSG.BG_CS_NOTE, { text, ok })).shown) return;
    } catch {
      // no content script there: the badge says it
    }
    const { action } = this.api;
    try {
      await action.setBadgeText({ tabId, text: ok ? '✓' : '!' });
      await action.setBadgeBackgroundColor({ tabId, color: ok ? '#1d8102' : '#d13212' });
      await action.setTitle({ tabId, title: `Roleswitch: ${text}` });
    } catch {
      return; // the tab is gone
    }
    setTimeout(() => {
      const manifest = this.api.runtime.getManifest();
      const title = (manifest.action ?? manifest.browser_action)?.default_title ?? 'Roleswitch';
      Promise.all([action.setBadgeText({ tabId, text: '' }), action.setTitle({ tabId, title })]).catch(() => {});
    }, NOTE_MS);
  }
}
