// Console pages: label the page with the banner before its first paint, and
// mark the tab (title prefix, favicon; the toolbar badge through the service
// worker). Small on purpose: the page's CSP forbids wasm here, so everything
// was computed by the core into the banner lookup the service worker keeps in
// chrome.storage.local (see background/cues.js); this script reads the page's
// account and role from its earliest signals (shared/lookup.js) and does two
// key lookups. It never waits for the service worker.
//
// The banner lives in a shadow root styled by a constructable stylesheet, as
// a child of <html> (not of <body>, which single-page consoles replace), so
// the page's CSS can neither style nor hide it, and the page moves down under
// it instead of being covered. Observers are cheap: <html>'s and <head>'s
// children only, plus the parse of <head> until <body> starts.
(() => {
  const RS = globalThis.RS;
  if (RS.consoleBanner) return; // injected twice
  RS.consoleBanner = true;
  const { api, protocol, lookup: L } = RS;

  // Own main-thread time, read by `make bench` from this isolated world.
  const stats = (RS.bannerStats = { busyMs: 0, started: performance.now(), inserted: null, lookupAt: null });
  let depth = 0;
  const timed = (fn) => (...args) => {
    if (depth++) {
      try {
        return fn(...args);
      } finally {
        depth--;
      }
    }
    const start = performance.now();
    try {
      return fn(...args);
    } finally {
      depth--;
      stats.busyMs += performance.now() - start;
    }
  };

  const CSS = `
:host {
  all: initial !important;
  display: block !important;
  position: relative !important;
  inset: auto !important;
  width: auto !important;
  height: auto !important;
  margin: 0 !important;
  padding: 0 !important;
  visibility: visible !important;
  opacity: 1 !important;
  transform: none !important;
  clip-path: none !important;
  filter: none !important;
  z-index: 2147483647 !important;
}
:host(.bottom) {
  position: fixed !important;
  inset: auto 0 0 0 !important;
}
.bar {
  display: flex;
  align-items: center;
  gap: 10px;
  height: 28px;
  padding: 0 14px;
  box-sizing: border-box;
  overflow: hidden;
  white-space: nowrap;
  font: 13px/20px "Amazon Ember", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: var(--rs-bg);
  color: var(--rs-fg);
  border-bottom: 1px solid rgba(0, 0, 0, 0.25);
}
:host(.bottom) .bar { border-bottom: 0; border-top: 1px solid rgba(0, 0, 0, 0.25); }
.name { font-weight: 700; font-size: 14px; }
.meta { opacity: 0.9; overflow: hidden; text-overflow: ellipsis; }
.label { display: none; }
.bar.production {
  height: 34px;
  border-bottom: 3px solid #000;
  background-image: repeating-linear-gradient(-45deg, transparent 0 14px, rgba(0, 0, 0, 0.16) 14px 28px);
}
:host(.bottom) .bar.production { border-bottom: 0; border-top: 3px solid #000; }
.bar.production .label {
  display: inline-block;
  padding: 1px 8px;
  border-radius: 3px;
  background: #000;
  color: #fff;
  font-weight: 800;
  letter-spacing: 0.08em;
}
:host(.compact) .bar { height: 20px; font-size: 11px; line-height: 16px; gap: 8px; }
:host(.compact) .bar.production { height: 24px; }
:host(.compact) .name { font-size: 12px; }
:host(.compact) .bar.production .label { padding: 0 6px; }
.bar.unknown {
  height: 24px;
  background: #f2f3f3;
  color: #414d5c;
  font-size: 12px;
  border-bottom: 1px solid #d1d5db;
}
.add {
  all: unset;
  cursor: pointer;
  color: #0f5bb5;
  text-decoration: underline;
}
.add:focus-visible { outline: 2px solid #0f5bb5; outline-offset: 2px; }
.reminder {
  position: fixed;
  padding: 4px 8px;
  border-radius: 4px;
  border: 2px solid #000;
  background: var(--rs-bg);
  color: var(--rs-fg);
  font: 700 12px/16px system-ui, sans-serif;
  pointer-events: none;
}
`;
  // Heights of the bar (docked at the bottom, the page gets this much room).
  const heightOf = (level, compact) => (level === 'production' ? (compact ? 24 : 34) : compact ? 20 : 28);

  let lookup = null; // the core's banner lookup, from storage
  const signals = { host: location.hostname, sessionData: null, navAccount: null, navRole: null };
  let identity = L.pageIdentity(signals);
  let current = null; // what is drawn: { kind: 'env', entry } | { kind: 'unknown', accountId } | null

  let host = null;
  let parts = null;

  function build() {
    host = document.createElement('roleswitch-banner');
    const shadow = host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.setAttribute('role', 'status');
    const label = document.createElement('span');
    label.className = 'label';
    const name = document.createElement('span');
    name.className = 'name';
    const meta = document.createElement('span');
    meta.className = 'meta';
    const add = document.createElement('button');
    add.className = 'add';
    add.type = 'button';
    add.textContent = 'add it';
    add.addEventListener('click', () => {
      if (current?.kind !== 'unknown') return;
      const payload = { accountId: current.accountId };
      if (identity.roleName) payload.roleName = identity.roleName;
      protocol.send(protocol.MSG.CS_BG_ADD_ACCOUNT, payload).catch((err) => console.debug('Roleswitch:', err.message));
    });
    bar.append(label, name, meta);
    const reminder = document.createElement('div');
    reminder.className = 'reminder';
    reminder.hidden = true;
    shadow.append(bar, reminder);
    parts = { bar, label, name, meta, add, reminder };
  }

  // Where the banner goes: first child of <html> (top), or docked at the bottom
  // with the same room left free at the end of the page.
  let dockSheet = null;
  const attach = timed(() => {
    const root = document.documentElement;
    if (!host || !current || !root) return;
    if (host.parentNode !== root || root.firstElementChild !== host) {
      root.prepend(host);
      stats.inserted ??= performance.now();
    }
    const bottom = lookup?.settings.position === 'bottom';
    if (bottom) {
      const want = `html { padding-bottom: ${heightOf(current.entry?.level, lookup.settings.compact)}px !important; }`;
      if (!dockSheet) dockSheet = new CSSStyleSheet();
      if (dockSheet.want !== want) {
        dockSheet.replaceSync(want);
        dockSheet.want = want;
      }
      if (!document.adoptedStyleSheets.includes(dockSheet)) {
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, dockSheet];
      }
    }
  });

  function undock() {
    if (dockSheet && document.adoptedStyleSheets.includes(dockSheet)) {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== dockSheet);
    }
  }

  function draw(next) {
    current = next;
    if (!current) {
      host?.remove();
      undock();
      return;
    }
    if (!host) build();
    const { bar, label, name, meta, add } = parts;
    const settings = lookup.settings;
    host.classList.toggle('bottom', settings.position === 'bottom');
    host.classList.toggle('compact', settings.compact);
    if (current.kind === 'unknown') {
      bar.className = 'bar unknown';
      bar.style.removeProperty('--rs-bg');
      bar.style.removeProperty('--rs-fg');
      label.textContent = '';
      name.textContent = '';
      meta.textContent = `Account ${L.formatAccount(current.accountId)} is not in your list — `;
      meta.append(add);
      host.setAttribute('aria-label', `Account ${L.formatAccount(current.accountId)} is not in your Roleswitch list`);
      host.dataset.level = 'unknown';
    } else {
      const e = current.entry;
      bar.className = e.level === 'production' ? 'bar production' : 'bar';
      bar.style.setProperty('--rs-bg', e.background);
      bar.style.setProperty('--rs-fg', e.foreground);
      label.textContent = e.label;
      name.textContent = e.displayName;
      // The page's own role when it says one; the environment's otherwise.
      meta.textContent = `${e.account} · ${identity.roleName ?? e.roleName}`;
      host.setAttribute('aria-label', e.summary);
      host.dataset.level = e.level;
    }
    if (settings.position !== 'bottom') undock();
    attach();
  }

  // --- Tab cues: title prefix and favicon (the badge is the service worker's).

  let titleWanted = '';
  let titleApplied = '';
  const applyTitle = timed(() => {
    const title = document.title;
    const base = titleApplied && title.startsWith(titleApplied) ? title.slice(titleApplied.length) : title;
    const want = titleWanted + base;
    // Only into the page's own <title>: setting document.title before the
    // parser has reached it would create a second one.
    if (title !== want && document.head?.querySelector('title')) document.title = want;
    titleApplied = document.title.startsWith(titleWanted) ? titleWanted : '';
  });

  let icon = null; // our <link rel=icon>
  const iconCache = new Map();
  function iconUrl(entry) {
    const key = `${entry.background}|${entry.foreground}|${entry.level}|${entry.badgeText}`;
    if (!iconCache.has(key)) {
      const c = document.createElement('canvas');
      c.width = c.height = 32;
      const g = c.getContext('2d');
      g.fillStyle = entry.background;
      g.beginPath();
      g.roundRect(0, 0, 32, 32, 6);
      g.fill();
      if (entry.level === 'production') {
        g.save();
        g.clip();
        g.strokeStyle = 'rgba(0,0,0,0.35)';
        g.lineWidth = 4;
        for (let x = -32; x < 64; x += 10) {
          g.beginPath();
          g.moveTo(x, 32);
          g.lineTo(x + 32, 0);
          g.stroke();
        }
        g.restore();
        g.lineWidth = 3;
        g.strokeStyle = '#000';
        g.strokeRect(1.5, 1.5, 29, 29);
      }
      g.fillStyle = entry.foreground;
      g.font = 'bold 20px system-ui, sans-serif';
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(entry.badgeText.slice(0, 1), 16, 17);
      iconCache.set(key, c.toDataURL('image/png'));
    }
    return iconCache.get(key);
  }

  const applyIcon = timed(() => {
    const head = document.head;
    if (!icon || !head) return;
    // Ours must be the last icon link: browsers use the last one.
    const links = head.querySelectorAll('link[rel~="icon"]');
    if (icon.parentNode !== head || links[links.length - 1] !== icon) head.append(icon);
  });

  let badgeSent = null;
  function cues() {
    const entry = current?.kind === 'env' ? current.entry : null;
    titleWanted = entry?.titlePrefix ?? '';
    applyTitle();
    if (entry && lookup.settings.faviconCue) {
      icon ??= Object.assign(document.createElement('link'), { rel: 'icon' });
      icon.dataset.roleswitch = '';
      const href = iconUrl(entry);
      if (icon.href !== href) icon.href = href;
      applyIcon();
    } else if (icon) {
      icon.remove();
      icon = null;
    }
    const payload = {};
    if (entry && identity.accountId) payload.accountId = identity.accountId;
    if (entry && identity.roleName) payload.roleName = identity.roleName;
    // Sent again whenever what the badge shows may differ (the worker reads the lookup itself).
    const key = JSON.stringify([payload, entry?.badgeText, entry?.background, lookup.settings.badgeCue]);
    if (key !== badgeSent) {
      badgeSent = key;
      protocol.send(protocol.MSG.CS_BG_PAGE_CUES, payload).catch((err) => console.debug('Roleswitch:', err.message));
    }
  }

  // --- The optional reminder over destructive buttons on production pages.

  const DESTRUCTIVE = /\b(delete|terminate|remove|destroy|purge|drop|detach|disable)\b/i;
  function onPointer(event) {
    const entry = current?.kind === 'env' ? current.entry : null;
    if (!parts || !entry || entry.level !== 'production' || !lookup.settings.destructiveReminder) return;
    const { reminder } = parts;
    const target = event.type === 'focusin' || event.type === 'pointerover'
      ? event.target?.closest?.('button, [role="button"], input[type="submit"], input[type="button"], a')
      : null;
    const text = target && (target.textContent || target.value || target.getAttribute('aria-label') || '');
    if (!target || !DESTRUCTIVE.test(text)) {
      reminder.hidden = true;
      return;
    }
    const r = target.getBoundingClientRect();
    reminder.textContent = `${entry.label || 'PRODUCTION'}: ${entry.displayName} (${entry.account})`;
    reminder.style.left = `${Math.max(4, r.left)}px`;
    reminder.style.top = `${r.bottom + 6}px`;
    reminder.hidden = false;
  }
  document.addEventListener('pointerover', timed(onPointer), { capture: true, passive: true });
  document.addEventListener('focusin', timed(onPointer), { capture: true, passive: true });

  // --- Identity and lookup changes.

  const update = timed(() => {
    identity = L.pageIdentity(signals);
    const entry = L.lookupEntry(lookup, identity.accountId, identity.roleName);
    let next = null;
    if (entry) next = { kind: 'env', entry };
    else if (lookup && identity.accountId && lookup.settings.unknownAccountStrip) {
      next = { kind: 'unknown', accountId: identity.accountId };
    }
    draw(next);
    if (lookup) cues();
    globalThis.RS.pageChanged?.(signals); // for the popup (content/fastpath.js)
  });

  // The session data is in <head>: read it as soon as the parser has it.
  function readSessionData() {
    const content = document.head?.querySelector('meta[name="awsc-session-data"]')?.content ?? null;
    if (content === signals.sessionData) return false;
    signals.sessionData = content;
    return true;
  }

  const NAV_ACCOUNT = [
    '[data-testid="awsc-copy-accountid"]',
    '#awsc-role-display-name-account',
    '#awsc-login-display-name-account',
    '[data-testid="awsc-nav-account-menu-button"]',
    '#nav-usernameMenu',
  ];
  const NAV_ROLE = ['#awsc-role-display-name-user', '[data-testid="awsc-copy-username"]'];
  function text(selectors) {
    for (const s of selectors) {
      const t = document.querySelector(s)?.textContent?.trim();
      if (t) return t;
    }
    return null;
  }
  // The navigation header: a late fallback (it is drawn after the page's scripts
  // run), and for the role when the session data has none.
  const readNav = timed(() => {
    const account = text(NAV_ACCOUNT);
    const role = text(NAV_ROLE);
    if (account === signals.navAccount && role === signals.navRole) return false;
    signals.navAccount = account;
    signals.navRole = role;
    return true;
  });

  // While <head> is being parsed: watch for the session data, then stop.
  let parseObserver = new MutationObserver(timed(() => {
    if (readSessionData()) update();
    attach();
    if (titleWanted) applyTitle();
    applyIcon();
    if (document.body) {
      parseObserver.disconnect();
      parseObserver = null;
      watchStructure();
    }
  }));
  parseObserver.observe(document, { childList: true, subtree: true });

  // After that: only <html>'s and <head>'s own children (body or head replaced,
  // banner removed, title or icons changed), and the <title>'s text.
  let structure = null;
  let watchedRoot = null;
  let watchedHead = null;
  let watchedTitle = null;
  function watchStructure() {
    structure = new MutationObserver(timed(onStructure));
    observeStructure();
  }
  function observeStructure() {
    structure.disconnect();
    structure.observe(document, { childList: true });
    watchedRoot = document.documentElement;
    if (watchedRoot) structure.observe(watchedRoot, { childList: true });
    watchedHead = document.head;
    if (watchedHead) structure.observe(watchedHead, { childList: true });
    watchedTitle = document.head?.querySelector('title') ?? null;
    if (watchedTitle) structure.observe(watchedTitle, { childList: true, characterData: true, subtree: true });
  }
  function onStructure() {
    if (document.documentElement !== watchedRoot || document.head !== watchedHead
      || (document.head?.querySelector('title') ?? null) !== watchedTitle) {
      observeStructure();
    }
    if (readSessionData()) return update();
    attach();
    if (titleWanted || titleApplied) applyTitle();
    applyIcon();
  }

  // Single-page navigation keeps the document; the session data may be
  // replaced in place, and the title changes (handled above). After the load,
  // look at the navigation header once more (late-drawn consoles).
  document.addEventListener('DOMContentLoaded', () => {
    if (parseObserver) {
      parseObserver.disconnect();
      parseObserver = null;
      watchStructure();
    }
    readSessionData();
    readNav();
    update();
    if (!identity.accountId) pollNav();
  }, { once: true });

  // The page's signals read afresh, for the in-console switch (content/fastpath.js),
  // which hands them to the core: the cookie is only read here, when a switch asks.
  globalThis.RS.readSignals = () => {
    readSessionData();
    readNav();
    const cookie = document.cookie.split('; ').find((c) => c.startsWith('aws-userInfo='));
    return { ...signals, host: location.host, userInfoCookie: cookie ? cookie.slice('aws-userInfo='.length) : null };
  };

  // Consoles that draw the header late: look again for a few seconds, cheaply.
  function pollNav(tries = 20) {
    setTimeout(() => {
      if (readNav()) update();
      if (!identity.accountId && tries > 1) pollNav(tries - 1);
    }, 250);
  }

  // Back from the back/forward cache: the badge was reset with the navigation.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    badgeSent = null;
    update();
  });

  // No unlabelled moment: until the lookup is read (a few milliseconds after
  // this script starts, usually before the page has anything to paint), the
  // page is kept invisible, at most HOLD_MAX_MS. Measured with `make bench`:
  // without this hold about one load in 50 painted before the banner.
  const HOLD_MAX_MS = 300;
  // (Guarded: a browser that refuses a content script's sheet on the document
  // just gets no hold.)
  const hold = new CSSStyleSheet();
  hold.replaceSync('html { visibility: hidden !important; }');
  try {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, hold];
  } catch (err) {
    console.debug('Roleswitch: no paint hold:', err.message);
  }
  const release = () => {
    clearTimeout(holdTimer);
    try {
      if (document.adoptedStyleSheets.includes(hold)) {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== hold);
      }
    } catch {
      // see above
    }
  };
  const holdTimer = setTimeout(release, HOLD_MAX_MS);

  // The lookup: read once at document_start, then follow its changes.
  const take = (value) => {
    lookup = value?.version === L.LOOKUP_VERSION ? value : null;
    stats.lookupAt ??= performance.now();
    update();
    release();
  };
  api.storage.onChanged.addListener((changes, areaName) => {
    if (areaName === 'local' && L.LOOKUP_KEY in changes) take(changes[L.LOOKUP_KEY].newValue);
  });
  api.storage.local.get(L.LOOKUP_KEY).then(
    (items) => take(items[L.LOOKUP_KEY]),
    (err) => {
      release();
      console.debug('Roleswitch:', err.message);
    },
  );
  readSessionData();
})();
