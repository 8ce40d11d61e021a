// Console pages: read who is signed in, ask the background (which runs the
// core) for the banner, and draw it. Small on purpose: the page's CSP forbids
// wasm here. The banner lives in a shadow root styled by a constructable
// stylesheet, so the page's CSS can neither style nor hide it.
(() => {
  const { api, protocol } = globalThis.RS;
  if (globalThis.RS.consoleBanner) return; // injected twice
  globalThis.RS.consoleBanner = true;

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
  z-index: 2147483647 !important;
}
.bar {
  display: flex;
  align-items: center;
  gap: 10px;
  min-height: 28px;
  padding: 3px 14px;
  box-sizing: border-box;
  font: 13px/20px "Amazon Ember", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: var(--rs-bg);
  color: var(--rs-fg);
  border-bottom: 1px solid rgba(0, 0, 0, 0.25);
}
.name { font-weight: 700; font-size: 14px; }
.meta { opacity: 0.9; }
.label { display: none; }
.bar.production {
  min-height: 34px;
  border-bottom: 3px solid #000;
  background-image: repeating-linear-gradient(-45deg, transparent 0 14px, rgba(0, 0, 0, 0.16) 14px 28px);
}
.bar.production .label {
  display: inline-block;
  padding: 1px 8px;
  border-radius: 3px;
  background: #000;
  color: #fff;
  font-weight: 800;
  letter-spacing: 0.08em;
}
`;

  let host = null;
  let parts = null;
  let model = null;

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
    bar.append(label, name, meta);
    shadow.append(bar);
    parts = { bar, label, name, meta };
    // Tests and assistive tools read the banner through these attributes.
    host.setAttribute('aria-label', '');
  }

  function attach() {
    if (!host || !model) return;
    const root = document.documentElement;
    if (host.parentNode !== root || host.nextElementSibling !== (document.head ?? document.body)) {
      root.insertBefore(host, document.head ?? document.body ?? null);
    }
  }

  function render(next) {
    model = next;
    if (!model) {
      host?.remove();
      return;
    }
    if (!host) build();
    const { bar, label, name, meta } = parts;
    bar.style.setProperty('--rs-bg', model.background);
    bar.style.setProperty('--rs-fg', model.foreground);
    bar.classList.toggle('production', model.level === 'production');
    label.textContent = model.label;
    name.textContent = model.displayName;
    meta.textContent = `${model.account} · ${model.roleName}`;
    host.setAttribute('aria-label', model.summary);
    host.dataset.level = model.level;
    attach();
  }

  function text(selectors) {
    for (const s of selectors) {
      const t = document.querySelector(s)?.textContent?.trim();
      if (t) return t;
    }
    return null;
  }

  function cookie(name) {
    const prefix = `${name}=`;
    const hit = document.cookie.split('; ').find((c) => c.startsWith(prefix));
    return hit ? hit.slice(prefix.length) : null;
  }

  // Raw signals; the core decides what they mean (see identity.rs).
  function readSignals() {
    return {
      host: location.host,
      sessionData: document.querySelector('meta[name="awsc-session-data"]')?.content ?? null,
      userInfoCookie: cookie('aws-userInfo'),
      navAccount: text([
        '[data-testid="awsc-copy-accountid"]',
        '#awsc-role-display-name-account',
        '#awsc-login-display-name-account',
        '[data-testid="awsc-nav-account-menu-button"]',
        '#nav-usernameMenu',
      ]),
      navRole: text(['#awsc-role-display-name-user', '[data-testid="awsc-copy-username"]']),
    };
  }

  globalThis.RS.readSignals = readSignals; // for fastpath.js

  let lastSignals = '';
  let asked = 0;
  async function refresh(force = false) {
    const signals = readSignals();
    const key = JSON.stringify(signals);
    if (key === lastSignals && !force) return attach();
    lastSignals = key;
    const ask = ++asked;
    try {
      const banner = await protocol.send(protocol.MSG.CS_BG_GET_BANNER, { signals });
      if (ask === asked) render(banner); // an older answer never overwrites a newer one
    } catch (err) {
      // The extension was reloaded or updated: this old script can do nothing more.
      console.debug('Roleswitch banner:', err.message);
    }
  }

  let scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      refresh();
    });
  }

  // Re-attach when the page rebuilds its DOM, and re-read when its identity signals change.
  new MutationObserver(schedule).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['content'],
  });
  api.storage.onChanged.addListener(() => refresh(true));
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => refresh(), { once: true });
  } else {
    refresh();
  }
})();
