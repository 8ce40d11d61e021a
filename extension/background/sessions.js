// @ts-check
// The console sessions live in this browser, as its open tabs show them: a multi-session
// console names the session's account in its host (`<account>-<suffix>.<region>.console…`),
// and the role is what that tab's page last reported (background/popup-cache.js). The core
// (`chooseSource`, src/sessions.rs) decides whether an environment already has one; then
// the popup goes to that tab instead of starting another session.
import '../shared/popup-cache.js';
import { isConsoleUrl } from './router.js';

const { KEYS } = globalThis.RS.popupCache;

export class Sessions {
  constructor(api, core) {
    this.api = api;
    this.core = core;
  }

  /**
   * `[{ tab, session }]`: one per open tab on a multi-session console host, `current`'s
   * first; `session` as the core reads it (`{ accountId, roleName?, identityCenter?, accountAlias?, host }`).
   */
  async live(current) {
    const [tabs, recorded] = await Promise.all([
      this.api.tabs.query({}),
      this.api.storage.session.get(KEYS.tabs).then((got) => got[KEYS.tabs] ?? {}),
    ]);
    const out = [];
    for (const tab of tabs) {
      if (typeof tab.id !== 'number' || !isConsoleUrl(tab.url ?? '')) continue;
      const host = new URL(tab.url).hostname;
      const fromHost = this.core.identify({ host });
      if (fromHost.source !== 'host') continue; // not a multi-session host: no session of its own
      const session = { accountId: fromHost.accountId, host };
      let page = null;
      try {
        page = recorded[tab.id] ? JSON.parse(recorded[tab.id].identity) : null;
      } catch {
        page = null;
      }
      if (page?.accountId === session.accountId) {
        // (An Identity Center page reports its permission set, flagged: the core keys it as one.)
        if (page.roleName) session.roleName = page.roleName;
        if (page.roleName && page.identityCenter) session.identityCenter = true;
        if (page.accountAlias) session.accountAlias = page.accountAlias;
      }
      out.push({ tab, session });
    }
    const first = out.filter(({ tab }) => tab.id === current?.id);
    return [...first, ...out.filter(({ tab }) => tab.id !== current?.id)];
  }

  /**
   * Before opening environment `id` of `list` alongside: null when the console has room for
   * another session (the core counts them), else the popup's reply `{ outcome: 'full',
   * message, offers: [{ tabId, label }], sameAccount }` (sameAccount: the position in
   * offers of a session of that account, or null).
   */
  async beforeAlongside(list, id, current) {
    const live = await this.live(current);
    const check = this.core.beforeAlongside(list, id, live.map((l) => l.session));
    if (check.kind !== 'full') return null;
    const offers = check.offers.map(({ index, label }) => ({ tabId: live[index].tab.id, label }));
    return { outcome: 'full', message: check.message, offers, sameAccount: check.sameAccount ?? null };
  }

  /** Goes to tab `tabId` if it shows a live session (the popup's pick among the offers). */
  async goTo(tabId) {
    const found = (await this.live(null)).find(({ tab }) => tab.id === tabId);
    if (!found) throw new Error('That session’s tab is gone; open the popup again.');
    await this.api.tabs.update(tabId, { active: true });
    await this.api.windows?.update(found.tab.windowId, { focused: true });
    return { outcome: 'focused', tabId };
  }

  /**
   * Goes to the tab of a live session that already is environment `id` of `list`, if there
   * is one: resolves to the popup's reply (`{ outcome: 'focused', message? }`), else null.
   */
  async goToOpen(list, id, current) {
    const live = await this.live(current);
    if (!live.length) return null;
    const choice = this.core.chooseSource(list, id, live.map((l) => l.session));
    if (choice.kind !== 'alreadyOpen') return null;
    const { tab } = live[choice.index];
    if (tab.id === current?.id) return { outcome: 'focused', message: 'This tab already is that session.' };
    await this.api.tabs.update(tab.id, { active: true });
    await this.api.windows?.update(tab.windowId, { focused: true });
    return { outcome: 'focused', tabId: tab.id };
  }
}
