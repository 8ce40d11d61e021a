// Console pages: label the page with the banner before its first paint, and
// mark the tab (title prefix, favicon; the toolbar badge through the service
// worker). Small on purpose: the page's CSP forbids wasm here, so everything
// was computed by the core into the banner lookup the service worker keeps in
// chrome.storage.local (see background/cues.js); this script reads the page's
// account and role from its earliest signals (shared/lookup.js) and does two
// key lookups. It never waits for the service worker.
//
// The banner lives in a closed shadow root styled by a constructable
// stylesheet, as a child of <html> (not of <body>, which single-page consoles
// replace), so the page's CSS can neither style nor hide it, the page's
// scripts cannot read it (its accessible name is inside) or press its button
// (only trusted events count), and the page moves down under it instead of
// being covered. Observers are cheap: <html>'s and <head>'s
// children only, plus the parse of <head> until <body> starts.
(() => {
  const RS = globalThis.RS;
  if (RS.consoleBanner) return; // injected twice
  RS.consoleBanner = true;
  const { api, protocol, lookup: L } = RS;

  // Own main-thread time and milestones as User Timing entries, which `make bench` reads: marks
  // `roleswitch:banner-started`, `…-inserted`, `…-lookup` (once each), and one measure
  // `roleswitch:banner-busy` whose duration is the time spent so far (replaced, never piled up).
  const BUSY = 'roleswitch:banner-busy';
  let busyMs = 0;
  const once = (name) => {
    if (!performance.getEntriesByName(name, 'mark').length) performance.mark(name);
  };
  once('roleswitch:banner-started');
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
      busyMs += performance.now() - start;
      // Written once per task, after the task's calls: a burst of mutations costs one entry.
      if (!busyPending) {
        busyPending = true;
        setTimeout(writeBusy, 0);
      }
    }
  };
  let busyPending = false;
  function writeBusy() {
    busyPending = false;
    performance.clearMeasures(BUSY);
    performance.measure(BUSY, { start: 0, duration: busyMs });
  }

  // Something on the page that undoes what this script puts back (the banner in <html>, the
  // title's prefix, the icon last), each time this script puts it back, would make the two
  // take turns for ever within one task: each change wakes the other's mutation observer
  // before the page can do anything else, and the page hangs. Past REDO_LIMIT changes in
  // one task, the next waits REDO_PAUSE_MS (in a task of its own).
  const REDO_LIMIT = 20;
  const REDO_PAUSE_MS = 200;
  let redone = 0;
  let redoCount = 0; // timer that ends the task's count
  let redoRetry = 0; // timer of the change that waits
  function mayRedo() {
    if (!redoCount) {
      redoCount = setTimeout(() => {
        redone = 0;
        redoCount = 0;
      }, 0);
    }
    if (++redone <= REDO_LIMIT) return true;
    redoRetry ||= setTimeout(() => {
      redoRetry = 0;
      redone = 0;
      redoAll();
    }, REDO_PAUSE_MS);
    return false;
  }

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
.bar.bottom { border-bottom: 0; border-top: 1px solid rgba(0, 0, 0, 0.25); }
.name { font-weight: 700; font-size: 14px; }
.meta { opacity: 0.9; overflow: hidden; text-overflow: ellipsis; }
/* A name is shown as written, never reordering what follows it. */
.name, .meta, .reminder span { unicode-bidi: isolate; }
.note { margin-left: auto; padding: 1px 8px; border-radius: 3px; background: #fff; color: #000; font-weight: 700; }
.note.failed { background: #000; color: #fff; }
.label { display: none; }
.bar.production {
  height: 34px;
  border-bottom: 3px solid #000;
  background-image: repeating-linear-gradient(-45deg, transparent 0 14px, rgba(0, 0, 0, 0.16) 14px 28px);
}
.bar.production.bottom { border-bottom: 0; border-top: 3px solid #000; }
.bar.production .label {
  display: inline-block;
  padding: 1px 8px;
  border-radius: 3px;
  background: #000;
  color: #fff;
  font-weight: 800;
  letter-spacing: 0.08em;
}
.bar.unknown {
  height: 24px;
  background: #f2f3f3;
  color: #414d5c;
  font-size: 12px;
  border-bottom: 1px solid #d1d5db;
}
.bar.compact { height: 20px; font-size: 11px; line-height: 16px; gap: 8px; }
.bar.compact.production { height: 24px; }
.bar.compact .name { font-size: 12px; }
.bar.compact.production .label { padding: 0 6px; }
.add {
  all: unset;
  cursor: pointer;
  color: #0f5bb5;
  text-decoration: underline;
}
.add:focus-visible { outline: 2px solid #0f5bb5; outline-offset: 2px; }
.offers { display: inline-flex; gap: 10px; }
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
  const signals = { host: location.hostname, sessionData: null, navAccount: [], navRole: [] };
  let identity = L.pageIdentity(signals);
  // What is drawn: { kind: 'env', entry } | { kind: 'unknown', accountId }
  // | { kind: 'sessionless', accountId, offer } | null.
  let current = null;
  // A page whose host names an account but that shows no session (once loaded): the core's
  // offer, asked of the worker once (background/sessionless.js); null until it answers.
  let loaded = false; // SESSIONLESS_AFTER_MS after the DOM was read
  const SESSIONLESS_AFTER_MS = 1000;
  let offerAsked = false;
  let offer = null;

  let holding = true; // the page is kept hidden until the lookup is read (see below)
  let host = null;
  let parts = null;
  let placeSheet = null; // where the host sits: top or bottom

  // A closed shadow root: the page's scripts cannot reach the banner's text,
  // its accessible name or its button (host.shadowRoot is null for them), and
  // the host carries no attribute that says anything about the environment.
  function build() {
    host = document.createElement('roleswitch-banner');
    const shadow = host.attachShadow({ mode: 'closed' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    placeSheet = new CSSStyleSheet();
    shadow.adoptedStyleSheets = [sheet, placeSheet];
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
    add.addEventListener('click', (event) => {
      // Only the user's own click: a page script's click() or dispatchEvent is not trusted.
      if (!event.isTrusted || current?.kind !== 'unknown') return;
      const payload = { accountId: current.accountId };
      if (identity.roleName) payload.roleName = identity.roleName;
      if (identity.roleName && identity.identityCenter) payload.identityCenter = true; // a permission set
      protocol.send(protocol.MSG.CS_BG_ADD_ACCOUNT, payload).catch((err) => console.debug('Roleswitch:', err.message));
    });
    const note = document.createElement('span');
    note.className = 'note';
    note.hidden = true;
    // The offer's buttons on a page without a session (one per environment offered).
    const offers = document.createElement('span');
    offers.className = 'offers';
    offers.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      // Only the user's own click, on a button the core's offer drew.
      if (!event.isTrusted || !button || current?.kind !== 'sessionless') return;
      const id = current.offer?.offers[Number(button.dataset.index)]?.id;
      if (id) openOffered(id);
    });
    bar.append(label, name, meta, offers, note);
    const reminder = document.createElement('div');
    reminder.className = 'reminder';
    reminder.hidden = true;
    shadow.append(bar, reminder);
    parts = { bar, label, name, meta, add, offers, note, reminder };
    // The host has no attributes of its own: one the page sets (hidden, inert,
    // aria-hidden, style, …) is taken off again.
    new MutationObserver(timed(() => {
      for (const attribute of host.getAttributeNames()) host.removeAttribute(attribute);
    })).observe(host, { attributes: true });
  }

  // A short note in the banner (the copy-link command's "Link copied", or why not), for
  // NOTE_MS; false when no banner is drawn (the worker then uses the toolbar badge).
  const NOTE_MS = 2000;
  let noteTimer = 0;
  RS.showNote = (text, ok) => {
    if (!current || !parts || !host?.isConnected) return false;
    const { note } = parts;
    note.textContent = text;
    note.className = ok ? 'note' : 'note failed';
    note.hidden = false;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => {
      note.hidden = true;
      note.textContent = '';
    }, NOTE_MS);
    return true;
  };

  // At the top the banner is in the flow (the page moves down under it) and
  // sticks to the top of the window as the page scrolls; at the bottom it is
  // docked to the window, with as much room left free at the end of the page.
  // Bars of the page's own that are fixed or sticky at that edge are moved
  // off it (see the edge watch below).
  const PLACES = {
    top: ':host { position: sticky !important; top: 0 !important; }',
    bottom: ':host { position: fixed !important; inset: auto 0 0 0 !important; }',
  };
  function place(position) {
    const want = PLACES[position] ?? PLACES.top;
    if (placeSheet.want === want) return;
    placeSheet.replaceSync(want);
    placeSheet.want = want;
  }

  // Where the banner goes: a child of <html> ahead of <body> (put first; another bar put
  // ahead of it since is left there, so that neither moves the other for ever), or docked
  // at the bottom with the same room left free at the end of the page.
  let dockSheet = null;
  const attach = timed(() => {
    const root = document.documentElement;
    if (!host || !current || !root) return;
    const body = document.body;
    const placed = host.parentNode === root
      && !(body?.parentNode === root && host.compareDocumentPosition(body) & Node.DOCUMENT_POSITION_PRECEDING);
    if (!placed && mayRedo()) {
      root.prepend(host);
      once('roleswitch:banner-inserted');
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
      restoreEdges();
      return;
    }
    if (!host) build();
    const { bar, label, name, meta, add, offers } = parts;
    offers.replaceChildren();
    const settings = lookup.settings;
    const classes = ['bar'];
    if (settings.position === 'bottom') classes.push('bottom');
    if (settings.compact) classes.push('compact');
    place(settings.position);
    if (current.kind === 'unknown') {
      bar.className = [...classes, 'unknown'].join(' ');
      bar.style.removeProperty('--rs-bg');
      bar.style.removeProperty('--rs-fg');
      label.textContent = '';
      name.textContent = '';
      meta.textContent = `Account ${L.formatAccount(current.accountId)} is not in your list — `;
      meta.append(add);
      bar.setAttribute('aria-label', `Account ${L.formatAccount(current.accountId)} is not in your Roleswitch list`);
    } else if (current.kind === 'sessionless') {
      bar.className = [...classes, 'unknown'].join(' ');
      bar.style.removeProperty('--rs-bg');
      bar.style.removeProperty('--rs-fg');
      label.textContent = '';
      name.textContent = '';
      const said = current.offer?.message
        ?? `No session of account ${L.formatAccount(current.accountId)} is open in this browser.`;
      meta.textContent = said;
      (current.offer?.offers ?? []).forEach((o, index) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'add';
        button.dataset.index = String(index);
        button.textContent = o.label;
        offers.append(button);
      });
      bar.setAttribute('aria-label', said);
    } else {
      const e = current.entry;
      if (e.level === 'production') classes.push('production');
      bar.className = classes.join(' ');
      bar.style.setProperty('--rs-bg', e.background);
      bar.style.setProperty('--rs-fg', e.foreground);
      label.textContent = e.label;
      name.textContent = e.displayName;
      // The page's own role when it says one; the environment's otherwise.
      meta.textContent = `${e.account} · ${identity.roleName ?? e.roleName}`;
      bar.setAttribute('aria-label', e.summary);
    }
    if (settings.position !== 'bottom') undock();
    attach();
    scheduleLook();
  }

  // --- The edge watch: the page's own top and bottom bars stay uncovered.
  //
  // A console header with position: fixed or sticky at top: 0 would sit under
  // the banner (logo and account menu hidden), a footer bar at bottom: 0 under
  // a banner docked at the bottom. At most once a frame, after the page
  // changes, scrolls or resizes, a few hit tests across the banner's band and
  // just beyond it find the elements there; those that are fixed, or sticky to
  // the window, at that edge get the banner's height added to their own `top`
  // (or `bottom`), as an inline !important value; their own value comes back
  // when the banner goes or moves. No walk over the page's DOM.

  const moved = new Map(); // element → { prop, base, value, prior: [value, priority] }

  function restoreEdges() {
    for (const [el, m] of moved) {
      if (el.style.getPropertyValue(m.prop) === m.value) el.style.setProperty(m.prop, ...m.prior);
    }
    moved.clear();
  }

  /** Whether a sticky element sticks to the window (not to a scrolling box inside the page). */
  function sticksToWindow(el) {
    const html = document.documentElement;
    const scrolls = (style) => !/^(visible|clip)$/.test(style.overflowX) || !/^(visible|clip)$/.test(style.overflowY);
    const htmlScrolls = scrolls(getComputedStyle(html));
    for (let p = el.parentElement; p && p !== html; p = p.parentElement) {
      // <body>'s overflow is the window's, unless <html> has one of its own.
      if (p === document.body && !htmlScrolls) continue;
      if (scrolls(getComputedStyle(p))) return false;
    }
    return true;
  }

  /**
   * Moves `el` off the edge by `band` when it is a bar placed against that
   * edge starting within `zone` (the banner's band, grown by the bars already
   * moved: a bar stacked under a moved header is moved with it); puts back its
   * own value when it no longer is. Returns how far from the edge the moved
   * bar now reaches, or null.
   */
  function moveOffEdge(el, prop, band, zone, limit) {
    const m = moved.get(el);
    const ours = m !== undefined && el.style.getPropertyValue(prop) === m.value;
    if (m && !ours) moved.delete(el); // the page has set a value of its own since
    const style = getComputedStyle(el);
    const bar = style.position === 'fixed' || (style.position === 'sticky' && sticksToWindow(el));
    // Its own place against that edge (not where it is now, if moved); not a
    // drawer parked off-screen.
    const base = ours ? m.base : parseFloat(style[prop]);
    const size = bar ? el.getBoundingClientRect().height : 0;
    if (!bar || !Number.isFinite(base) || base >= zone || base + size <= 0) {
      if (ours) {
        el.style.setProperty(prop, ...m.prior);
        moved.delete(el);
      }
      return null;
    }
    const value = `${base + band}px`;
    if (!ours || m.value !== value) {
      const prior = ours ? m.prior : [el.style.getPropertyValue(prop), el.style.getPropertyPriority(prop)];
      el.style.setProperty(prop, value, 'important');
      moved.set(el, { prop, base, value: el.style.getPropertyValue(prop), prior });
    }
    // A tall panel or overlay moves too, but does not make a stack.
    return size < limit ? base + size + band : null;
  }

  function watchEdges() {
    if (!host?.isConnected || !current || !lookup || !document.body) return restoreEdges();
    const bottom = lookup.settings.position === 'bottom';
    const prop = bottom ? 'bottom' : 'top';
    for (const [el, m] of moved) {
      if (!el.isConnected || m.prop !== prop) {
        if (el.style.getPropertyValue(m.prop) === m.value) el.style.setProperty(m.prop, ...m.prior);
        moved.delete(el);
      }
    }
    const band = host.getBoundingClientRect().height;
    const width = document.documentElement.clientWidth;
    const height = window.innerHeight;
    if (!band || !width || !height) return;
    const limit = height / 2;
    let zone = band;
    const seen = new Set([host, document.documentElement, document.body]);
    const consider = (el) => {
      if (seen.has(el)) return;
      seen.add(el);
      if (el.localName === 'roleswitch-banner') return; // another Roleswitch's banner: no page bar
      const reach = moveOffEdge(el, prop, band, zone, limit);
      if (reach !== null) zone = Math.max(zone, reach);
    };
    // Those already moved first, nearest the edge first: they follow the
    // banner's height, or go back when nothing pushes them any more.
    [...moved].sort((a, b) => a[1].base - b[1].base).forEach(([el]) => consider(el));
    // Then rows of hit tests at `d` from the edge: inside the band, just beyond
    // it (a bar about to stick there), and on through the bars moved (a bar
    // stacked under one is now beneath it), 16 px apart, ten rows at most.
    const xs = [2, width * 0.25, width * 0.5, width * 0.75, width - 3];
    const row = (d) => {
      for (const x of xs) for (const el of document.elementsFromPoint(x, bottom ? height - d : d)) consider(el);
    };
    row(band / 2);
    for (let d = band + 2, rows = 1; rows < 10 && d <= zone + 2 && d < limit; d += 16, rows++) row(d);
  }

  // --- Tab cues: title prefix and favicon (the badge is the service worker's).

  let titleWanted = '';
  let titleApplied = '';
  const applyTitle = timed(() => {
    const title = document.title;
    // Ours is in the title still, or the same one is, put there by another Roleswitch on the
    // page (which may have put its own ahead of ours: neither then moves the other's).
    if (titleWanted && (!titleApplied || titleApplied === titleWanted) && title.includes(titleWanted)) {
      titleApplied = titleWanted;
      return;
    }
    const base = titleApplied && title.includes(titleApplied) ? title.replace(titleApplied, '') : title;
    const want = titleWanted + base;
    // Only into the page's own <title>: setting document.title before the
    // parser has reached it would create a second one.
    if (title !== want && document.head?.querySelector('title') && mayRedo()) document.title = want;
    titleApplied = titleWanted && document.title.includes(titleWanted) ? titleWanted : '';
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
    // Browsers use the last icon link: none of the page's may come after ours (another
    // Roleswitch's may: the two would otherwise take turns at the end).
    const links = [...head.querySelectorAll('link[rel~="icon"]')];
    const after = links.slice(links.indexOf(icon) + 1);
    if ((icon.parentNode !== head || after.some((link) => !('roleswitch' in link.dataset))) && mayRedo()) head.append(icon);
  });

  let badgeSent = null;
  function cues() {
    const entry = current?.kind === 'env' ? current.entry : null;
    titleWanted = L.titlePrefix(entry, lookup.settings);
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
    if (entry && identity.identityCenter) payload.identityCenter = true; // roleName is a permission set
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
    const named = document.createElement('span'); // isolated: see the CSS
    named.textContent = entry.displayName;
    reminder.replaceChildren(`${entry.label || 'PRODUCTION'}: `, named, ` (${entry.account})`);
    reminder.style.left = `${Math.max(4, r.left)}px`;
    reminder.style.top = `${r.bottom + 6}px`;
    reminder.hidden = false;
  }
  document.addEventListener('pointerover', timed(onPointer), { capture: true, passive: true });
  document.addEventListener('focusin', timed(onPointer), { capture: true, passive: true });

  // --- Identity and lookup changes.

  const update = timed(() => {
    identity = L.pageIdentity(signals);
    const entry = L.lookupEntry(lookup, identity.accountId, identity.roleName, identity.identityCenter);
    let next = null;
    if (loaded && lookup && identity.sessionless) {
      // Not the environment's banner: this browser has no session there. Say so, and offer it.
      next = { kind: 'sessionless', accountId: identity.accountId, offer };
      askOffer();
    } else if (entry) next = { kind: 'env', entry };
    else if (lookup && identity.accountId && lookup.settings.unknownAccountStrip) {
      next = { kind: 'unknown', accountId: identity.accountId };
    }
    draw(next);
    if (lookup) cues();
    globalThis.RS.pageChanged?.(signals); // for the popup (content/fastpath.js)
  });

  // The core's offer for a page without a session, asked once; the worker opens the
  // environment itself when the setting says so (its reply then says what it did).
  function askOffer() {
    if (offerAsked) return;
    offerAsked = true;
    protocol.send(protocol.MSG.CS_BG_SESSIONLESS_OFFER).then((reply) => {
      offer = reply;
      update();
      if (reply?.opened?.message) RS.showNote(reply.opened.message, true);
    }, (err) => console.debug('Roleswitch:', err.message));
  }

  function openOffered(id) {
    protocol.send(protocol.MSG.CS_BG_OPEN_OFFERED, { id }).then(
      (reply) => {
        if (reply?.message) RS.showNote(reply.message, reply.outcome !== 'refused');
      },
      (err) => RS.showNote(err.message, false),
    );
  }

  // The session data is in <head>: read it as soon as the parser has it.
  function readSessionData() {
    const content = document.head?.querySelector('meta[name="awsc-session-data"]')?.content ?? null;
    if (content === signals.sessionData) return false;
    signals.sessionData = content;
    return true;
  }

  // The navigation header: a late fallback (it is drawn after the page's scripts
  // run), and for the role when the session data has none. Every candidate
  // text is kept: the first that holds an account ID wins (shared/lookup.js).
  const sameTexts = (a, b) => a.length === b.length && a.every((t, i) => t === b[i]);
  const readNav = timed(() => {
    const { navAccount, navRole } = L.readNav(document);
    if (sameTexts(navAccount, signals.navAccount) && sameTexts(navRole, signals.navRole)) return false;
    signals.navAccount = navAccount;
    signals.navRole = navRole;
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
  /** Puts back what this script keeps on the page: the banner, the title's prefix, the icon. */
  function redoAll() {
    attach();
    if (titleWanted || titleApplied) applyTitle();
    applyIcon();
  }
  function onStructure() {
    if (document.documentElement !== watchedRoot || document.head !== watchedHead
      || (document.head?.querySelector('title') ?? null) !== watchedTitle) {
      observeStructure();
    }
    if (readSessionData()) return update();
    redoAll();
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
    watchPage();
    // A console draws its header late: a page is taken to have no session only if it still
    // shows none a moment after it loaded.
    setTimeout(() => {
      loaded = true;
      update();
    }, SESSIONLESS_AFTER_MS);
  }, { once: true });

  // The page's signals read afresh, for the in-console switch (content/fastpath.js),
  // which hands them to the core: the cookie is only read here, when a switch asks.
  globalThis.RS.readSignals = () => {
    readSessionData();
    readNav();
    const cookie = document.cookie.split('; ').find((c) => c.startsWith('aws-userInfo='));
    return { ...signals, host: location.host, userInfoCookie: cookie ? cookie.slice('aws-userInfo='.length) : null };
  };

  // After the load, the page's own content: consoles draw the header late and
  // rebuild the body. The observer's callback only asks for one look at the
  // next frame (or soon, in a background tab, where the title and badge still
  // matter); the look itself is a few querySelector calls.
  let pageObserver = null;
  let lookSoon = false;
  let lastLook = -Infinity;
  const look = timed(() => {
    lookSoon = false;
    lastLook = performance.now();
    // (A multi-session host names the account before the page says anything: the header is
    // still looked for while nothing else tells of a session.)
    if ((!identity.accountId || identity.sessionless) && readNav()) update();
    if (document.readyState !== 'loading') watchPage();
    if (!holding) watchEdges();
  });
  // A change of the page's content is looked at 100 ms after the last look at
  // most (a busy page changes all the time); a scroll or resize, or a change
  // of the banner, at the next frame.
  function scheduleLook(event) {
    if (lookSoon) return;
    lookSoon = true;
    const wait = Array.isArray(event) ? lastLook + 100 - performance.now() : 0; // MutationRecords
    const frame = () => (document.hidden ? setTimeout(look, 100) : requestAnimationFrame(look));
    if (wait > 0) setTimeout(frame, wait);
    else frame();
  }
  // While the account is unknown (or only the host names it), text changes count too (a
  // header whose text is filled in place).
  let watchingText = null;
  function watchPage() {
    const wantText = !identity.accountId || identity.sessionless;
    if (pageObserver && watchingText === wantText) return;
    pageObserver ??= new MutationObserver(scheduleLook);
    pageObserver.disconnect();
    watchingText = wantText;
    pageObserver.observe(document, { childList: true, subtree: true, characterData: wantText });
  }
  // A sticky bar reaches the top as the page scrolls; a resize moves bars.
  window.addEventListener('scroll', scheduleLook, { passive: true });
  window.addEventListener('resize', scheduleLook, { passive: true });

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
    holding = false;
    scheduleLook();
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
    once('roleswitch:banner-lookup');
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
