// Console pages: the in-console switch. The background (which runs the core)
// asks this script for the page's context, then tells it what to do: POST the
// console's own hidden switch-role form, or make the multi-session console's
// switch request. Both run in the page, so that its cookies and Origin go
// along. Messages are accepted from this extension's background only.
(() => {
  const { api, protocol } = globalThis.RS;
  if (globalThis.RS.fastPath) return; // injected twice
  globalThis.RS.fastPath = true;
  const { MSG } = protocol;

  // A partition's sign-in host, over https (shared/hosts.js, pinned to the core by tests/js/hosts.test.mjs).
  const isSignIn = (url) => {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' && u.port === '' && globalThis.RS.hosts.SIGNIN_HOST.test(u.hostname);
    } catch {
      return false;
    }
  };

  // Asks the main-world script (csrf-main.js) for the token. Events are
  // dispatched synchronously, so the reply has arrived when dispatch returns.
  function readCsrf() {
    let token = null;
    const onReply = (event) => {
      if (typeof event.detail === 'string') token = event.detail;
    };
    document.addEventListener('roleswitch:csrf-reply', onReply);
    try {
      document.dispatchEvent(new CustomEvent('roleswitch:csrf-request'));
    } finally {
      document.removeEventListener('roleswitch:csrf-reply', onReply);
    }
    return token || null;
  }

  function postForm({ action, fields }) {
    if (typeof action !== 'string' || !isSignIn(action)) throw new Error('not a sign-in host');
    if (!fields || typeof fields.csrf !== 'string' || !fields.csrf) {
      throw new Error('no CSRF token: nothing was posted');
    }
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = action;
    form.hidden = true;
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = String(value);
      form.append(input);
    }
    (document.body ?? document.documentElement).append(form);
    // After the reply has gone out: submitting unloads this page.
    setTimeout(() => HTMLFormElement.prototype.submit.call(form), 0);
  }

  async function sessionSwitch({ url, body }) {
    if (typeof url !== 'string' || !isSignIn(url)) throw new Error('not a sign-in host');
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-PROTECTION': '1' },
      body: JSON.stringify(body),
    });
    let reply = null;
    try {
      reply = await response.json();
    } catch {
      reply = null;
    }
    const destination = typeof reply?.destination === 'string' ? reply.destination : null;
    return { status: response.status, destination };
  }

  /**
   * Writes `text` to the clipboard for the copy-link command (background/links.js): a
   * `copy` this script answers itself (allowed to an extension with clipboardWrite without
   * a user gesture, in Chrome and Firefox; no element is added and the selection stays),
   * else the async clipboard, which needs the page focused.
   */
  async function copyText(text) {
    let wrote = false;
    const onCopy = (event) => {
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
      event.stopImmediatePropagation();
      wrote = true;
    };
    window.addEventListener('copy', onCopy, { capture: true, once: true });
    try {
      document.execCommand('copy');
    } finally {
      window.removeEventListener('copy', onCopy, { capture: true });
    }
    if (!wrote) await navigator.clipboard.writeText(text);
    return { copied: true };
  }

  // The page's signals for the popup's precomputed first screen (background/popup-cache.js):
  // console.js calls this after each identity update; sent whenever they changed, in the
  // shape BG_CS_PAGE_CONTEXT answers them.
  let reported = null;
  let last = null;
  globalThis.RS.pageChanged = (signals) => {
    last = signals;
    const cookie = document.cookie.split('; ').find((c) => c.startsWith('aws-userInfo='));
    const payload = { ...signals, host: location.host, userInfoCookie: cookie ? cookie.slice('aws-userInfo='.length) : null };
    const key = JSON.stringify(payload);
    if (key === reported) return;
    reported = key;
    protocol.send(MSG.CS_BG_PAGE_SIGNALS, { signals: payload }).catch((err) => console.debug('Roleswitch:', err.message));
  };
  // Back from the back/forward cache: the browser reset this tab's popup with the navigation.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !last) return;
    reported = null;
    globalThis.RS.pageChanged(last);
  });

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== api.runtime.id || sender.tab || protocol.checkMessage(msg)) return false;
    let work;
    switch (msg.type) {
      case MSG.BG_CS_PAGE_CONTEXT:
        work = async () => ({ signals: globalThis.RS.readSignals?.() ?? { host: location.host }, csrf: readCsrf() });
        break;
      case MSG.BG_CS_POST_FORM:
        work = async () => {
          postForm(msg.plan);
          return { posted: true };
        };
        break;
      case MSG.BG_CS_SESSION_SWITCH:
        work = () => sessionSwitch(msg.plan);
        break;
      case MSG.BG_CS_COPY_TEXT:
        work = () => copyText(msg.text);
        break;
      case MSG.BG_CS_NOTE:
        // Drawn by the banner (content/console.js); `shown` false when there is no banner.
        work = async () => ({ shown: globalThis.RS.showNote?.(msg.text, msg.ok) ?? false });
        break;
      default:
        return false;
    }
    work().then(
      (result) => sendResponse({ result }),
      (err) => sendResponse({ error: err?.message || String(err) }),
    );
    return true;
  });
})();
