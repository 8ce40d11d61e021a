// @ts-check
// A console page whose host names an account (`<account>-<suffix>.<region>.console…`) but
// that shows no session: this browser has none there (a link from a teammate, a session that
// ended). The core says what the banner tells and which environments of the list it offers
// (`sessionlessOffer`, src/console/sessions.rs); opening one is an ordinary switch into it:
// from a live session of its base in another tab when there is one (the multi-session switch),
// else in this tab (the switch-role page; an Identity Center environment: its access
// portal's shortcut to this page, the session prefix dropped).

/** An environment opened at once is not opened at once again in that tab for this long. */
const AUTO_AGAIN_MS = 2 * 60 * 1000;
const autoKey = (tabId) => `sessionlessOpened:${tabId}`;

export class Sessionless {
  /**
   * @param {any} api
   * @param {any} core
   * @param {{ load: () => Promise<{ environments: any[] }> }} list the list switching uses
   * @param {{ loadSettings: () => Promise<{ settings: any }>, sessions: any, switcher: any }} parts
   */
  constructor(api, core, list, { loadSettings, sessions, switcher }) {
    this.api = api;
    this.core = core;
    this.list = list;
    this.loadSettings = loadSettings;
    this.sessions = sessions;
    this.switcher = switcher;
  }

  /** The core's offer for a page at `url`, or null when its host names no account. */
  async offerFor(url, environments, openAutomatically) {
    let host;
    try {
      host = new URL(url).hostname;
    } catch {
      return null;
    }
    return this.core.sessionlessOffer(environments, host, openAutomatically);
  }

  /**
   * The offer for console tab `tab` at `url` (the sender's, as the browser reports it);
   * with the setting `openSessionlessAutomatically` on and one environment of that account,
   * it is opened now and the reply's `opened` says how.
   */
  async offer(tab, url) {
    const [{ environments }, { settings }] = await Promise.all([this.list.load(), this.loadSettings()]);
    const offer = await this.offerFor(url, environments, settings.openSessionlessAutomatically === true);
    if (!offer?.automatic) return offer;
    // Once per tab and environment: if AWS brings the tab back to a page without the session
    // (the sign-in was not finished, the role refused), it is offered, not opened in a loop.
    const k = autoKey(tab.id);
    const last = (await this.api.storage.session.get(k))[k];
    if (last?.id === offer.automatic && Date.now() - last.at < AUTO_AGAIN_MS) return { ...offer, automatic: null };
    await this.api.storage.session.set({ [k]: { id: offer.automatic, at: Date.now() } });
    const opened = await this.open(environments, offer.automatic, tab);
    return { ...offer, opened };
  }

  /** Opens environment `id`, which the core must offer for `tab` at `url` (the user's click). */
  async openOffered(tab, url, id) {
    const { environments } = await this.list.load();
    const offer = await this.offerFor(url, environments, false);
    if (!offer?.offers.some((o) => o.id === id)) {
      throw new Error('That environment is not offered on this page any more; reload it.');
    }
    return this.open(environments, id, tab);
  }

  /** The switch into `id` from the best place: a live session of its base, else this tab. */
  async open(environments, id, tab) {
    const others = (await this.sessions.live(tab)).filter((l) => l.tab.id !== tab.id);
    if (others.length) {
      const choice = this.core.chooseSource(environments, id, others.map((l) => l.session));
      if (choice.kind === 'alreadyOpen') return this.sessions.goTo(others[choice.index].tab.id);
      if (choice.kind === 'from') {
        return this.switcher.fromPopup(environments, id, others[choice.index].tab, { alongside: true });
      }
    }
    // This tab has no session to switch from: AWS's switch-role page here (it asks to sign
    // in first if it must), or for an Identity Center environment its portal's shortcut.
    if (environments.find((e) => e.id === id)?.portalUrl) return this.switcher.openPortal(environments, id, tab);
    return { outcome: 'page', ...(await this.switcher.start(environments, id, tab)) };
  }
}
