// End-to-end harness for Firefox: Debian's headless Firefox ESR driven over WebDriver BiDi,
// with the unpacked extension installed, AWS pages served from tests/fixtures/aws at the real
// AWS URLs, and the extension's real toolbar popup.
//
//   const h = await launch({ extensionDir: 'dist/firefox' });
//   await h.seedList([{ id: 'a', displayName: 'test', accountId: '111122223333' }]);
//   const tab = await h.openConsole({ variant: 'header2021' });
//   const popup = await h.openPopup(tab);       // the real action popup, over that tab
//   await popup.type('test'); await popup.press('Enter');
//   await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
//   await h.close();
//
// How Firefox is driven (Firefox ESR 153, puppeteer-core 24 as launcher and BiDi client):
// - puppeteer-core starts /usr/bin/firefox-esr headless with a fresh profile and opens a
//   WebDriver BiDi session; everything else is plain BiDi (`browser.connection.send`), since
//   puppeteer's page objects do not follow tabs that move into the extension's process.
// - The extension is installed as a temporary add-on with BiDi `webExtension.install`. The
//   profile pref `extensions.webextensions.uuids` fixes its moz-extension:// UUID, so the
//   options page has a known URL.
// - Firefox is started with `--remote-allow-system-access`: BiDi then may navigate tabs to
//   moz-extension:// pages and evaluate in the browser window's own (chrome) context, which is
//   what reaching the toolbar popup takes (below). The shipped extension has no test hook.
// - Network: one BiDi intercept at `beforeRequestSent` for every request of every tab. AWS
//   hosts get fixture pages (`network.provideResponse`), every other host is failed and listed
//   in `aws.blocked`. POST bodies are read back with a BiDi data collector.
// - The extension's background page is not a tab: BiDi neither sees nor intercepts its
//   requests. Files it fetches (a team list) come from a real https server on this machine
//   (`serveFiles`): the host resolves to it by the pref `network.dns.localDomains`, and its
//   certificate is issued by a throwaway CA the profile is told to trust.
//
// The toolbar popup: BiDi lists only tabs, not the popup's browser, so it cannot script the
// popup or send it input directly. Instead:
// - it is opened as a person would with the keyboard: the console tab is made the active tab,
//   the page gets the focus, and Alt+Shift+A (the extension's `_execute_action` command) is
//   typed. That opens the same popup as a click on the toolbar button, over that tab, so the
//   background's "active tab" is the console tab. (`browser.action.openPopup()` evaluated in
//   the options page also works here, without a user gesture, but is no user's path.)
// - keys are real key events: an nsITextInputProcessor in the browser window (chrome context)
//   sends them to whatever has the focus there, as the keyboard does. Headless Firefox does
//   not move the focus into the opened panel by itself as a windowed one does: the harness
//   focuses the popup's <browser>, the one step that differs from a person's session;
// - its DOM is read from the options page (kept open in a background tab of the same window)
//   with `browser.extension.getViews({type: 'popup'})` (same extension, same process):
//   read-only looks; nothing is dispatched into the popup that way.
//
// The banner's shadow root may be closed: BiDi serializes an element's shadow root whether it
// is open or closed (`value.shadowRoot`), and that reference can be handed back to a function
// run in the page (see `inBanner`), as DevTools' pierce does in Chromium.
// Globals of the browser window's privileged (chrome) context, where inChrome() functions run:
/* global Services, Cc, Ci, gBrowser */
import puppeteer from 'puppeteer-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PARTITIONS } from '../fixtures/aws/fixtures.mjs';
import { DEFAULT_IDENTITY, DEFAULT_TIMEOUT_MS, answer, createFakeAws } from '../fixtures/aws/fake-aws.mjs';
import { poll } from '../e2e/harness.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
/** The moz-extension:// host the profile gives the extension. */
export const EXTENSION_UUID = '6f1e2d3c-4b5a-4969-8877-665544332211';

export { DEFAULT_IDENTITY };

/** The extension directory the tests use: dist/firefox, or $ROLESWITCH_FIREFOX_EXTENSION. */
export function extensionDirectory(root) {
  return process.env.ROLESWITCH_FIREFOX_EXTENSION || path.join(root, 'dist/firefox');
}

/**
 * Starts headless Firefox ESR with the unpacked extension in `extensionDir` installed.
 * @param {{extensionDir: string}} options
 */
export async function launch({ extensionDir }) {
  const dir = path.resolve(extensionDir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const geckoId = manifest.browser_specific_settings?.gecko?.id;
  if (!geckoId) throw new Error(`${dir}/manifest.json has no browser_specific_settings.gecko.id`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: EXTENSION_UUID }),
      // No first-run or "what's new" pages, no background traffic to other hosts.
      'browser.startup.homepage_override.mstone': 'ignore',
      'extensions.getAddons.cache.enabled': false,
    },
  });
  const h = new Harness(browser);
  try {
    await h.init(dir);
    return h;
  } catch (error) {
    await browser.close().catch(() => {});
    throw error;
  }
}

class Harness {
  /** @type {import('puppeteer-core').Browser} */
  browser;
  #bidi;
  #options = null;
  #chrome = null;

  constructor(browser) {
    this.browser = browser;
    this.#bidi = browser.connection;
    this.aws = createFakeAws();
    this.extensionOrigin = `moz-extension://${EXTENSION_UUID}`;
  }

  /** One BiDi command; rejects with the protocol's message. */
  async send(method, params) {
    const reply = await this.#bidi.send(method, params);
    return reply.result;
  }

  async init(extensionDir) {
    await this.send('network.addDataCollector', { dataTypes: ['request'], maxEncodedDataSize: 1_000_000 });
    await this.send('network.addIntercept', { phases: ['beforeRequestSent'] });
    this.#bidi.on('network.beforeRequestSent', (event) => {
      if (!event.isBlocked) return;
      serve(this, event).catch((error) => {
        if (!/no such request|closed/i.test(String(error?.message))) console.error('fake AWS:', error);
      });
    });
    const { extension } = await this.send('webExtension.install', { extensionData: { type: 'path', path: extensionDir } });
    this.extensionId = extension;
    // The options page stays open in a background tab: it opens the popup and reads it.
    this.#options = await this.newTab(`${this.extensionOrigin}/options/options.html`, { background: true });
    await this.#options.waitFor(() => Boolean(globalThis.RS?.protocol) && document.readyState === 'complete');
  }

  /** The options page the harness keeps open (do not close it). */
  get options() {
    return this.#options;
  }

  /** Opens a tab (in the background unless told) and loads `url` in it. */
  async newTab(url, { background = false } = {}) {
    const { context } = await this.send('browsingContext.create', { type: 'tab', background });
    const tab = new Tab(this, context);
    if (url) await tab.goto(url);
    return tab;
  }

  /** Every tab, as Tab objects. */
  async tabs() {
    const { contexts } = await this.send('browsingContext.getTree', { maxDepth: 0 });
    return contexts.map((c) => Object.assign(new Tab(this, c.context), { lastUrl: c.url }));
  }

  /** Sends `type` with `payload` to the background from the options page; resolves to its result. */
  message(type, payload = {}) {
    return this.#options.evaluate((t, p) => globalThis.RS.protocol.send(t, p), type, payload);
  }

  /** Replaces the list with `inputs` (environment form values, each with an `id`), as a confirmed import would. */
  async seedList(inputs) {
    const { revision } = await this.message('page-bg-get-list');
    const { plan } = await this.message('page-bg-apply-import', { environments: inputs, mode: 'replace', revision });
    return plan.result.length;
  }

  /**
   * Opens a console page in a new, active tab and waits for it to load.
   * @param {{url?: string, variant?: string, region?: string}} options
   */
  async openConsole(options = {}) {
    if (options.variant) this.aws.consoleVariant = options.variant;
    const region = options.region ?? this.aws.identity.region ?? 'us-east-1';
    const url = options.url ?? `https://${region}.${PARTITIONS.aws.consoleDomain}/console/home?region=${region}`;
    return this.newTab(url);
  }

  /** The browser window's chrome context (system access). */
  async #chromeContext() {
    if (!this.#chrome) {
      const { contexts } = await this.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
      const window = contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
      if (!window) throw new Error('no browser window among the chrome contexts');
      this.#chrome = window.context;
    }
    return this.#chrome;
  }

  /** Puts `text` on the clipboard, as copying it elsewhere would. */
  copyToClipboard(text) {
    return this.inChrome((t) => {
      Cc['@mozilla.org/widget/clipboardhelper;1'].getService(Ci.nsIClipboardHelper).copyString(t);
    }, text);
  }

  /** Evaluates `fn(...args)` in the browser window (privileged). */
  async inChrome(fn, ...args) {
    return callFunction(this, await this.#chromeContext(), fn, args);
  }

  /**
   * Opens the extension's real toolbar popup over `tab` with its keyboard command, Alt+Shift+A,
   * typed while the page has the focus (`tab` is made the active tab first).
   * @returns {Promise<Popup>}
   */
  async openPopup(tab, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    await this.closePopup(); // one left open by an earlier step (Firefox opens one panel at a time)
    await tab.activate();
    await this.inChrome(() => gBrowser.selectedBrowser.focus());
    await pressKeys(this, [
      { key: 'Alt', code: 'AltLeft', keyCode: 18 },
      { key: 'Shift', code: 'ShiftLeft', keyCode: 16 },
      { key: 'A', code: 'KeyA', keyCode: 65 },
    ]);
    await poll(() => this.#options.evaluate(() => browser.extension.getViews({ type: 'popup' }).length === 1),
      timeoutMs, 'Alt+Shift+A did not open the popup');
    const popup = new Popup(this, this.#options);
    await popup.waitFor(() => document.readyState === 'complete', timeoutMs);
    // Give the popup's <browser> the focus a windowed Firefox gives it.
    await poll(() => this.inChrome(() => {
      const b = document.querySelector('browser.webextension-popup-browser');
      if (!b) return false;
      b.focus();
      return Services.focus.focusedElement === b;
    }), timeoutMs, 'the popup’s browser did not take the focus');
    return popup;
  }

  /** Closes the toolbar popup if it is open, as a click elsewhere would. */
  async closePopup() {
    await this.inChrome(() => {
      document.querySelector('browser.webextension-popup-browser')?.closest('panel')?.hidePopup();
    });
    await poll(() => this.#options.evaluate(() => browser.extension.getViews({ type: 'popup' }).length === 0),
      DEFAULT_TIMEOUT_MS, 'the popup did not close');
  }

  /**
   * Serves `files` (path → `{ body, etag? }`, read at each request, so a test can change them)
   * over https at `host`, for the extension's background page as for any page; resolves to the
   * origin (`https://<host>:<port>`) and the requests it answered (path and headers). A request
   * whose If-None-Match is the file's ETag gets a `304`.
   * @param {string} host
   * @param {Map<string, { body: string, etag?: string }>} files
   */
  async serveFiles(host, files) {
    const dir = mkdtempSync(path.join(tmpdir(), 'roleswitch-ff-tls-'));
    const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(path.join(dir, 'leaf.ext'), `subjectAltName=DNS:${host}\n`);
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Roleswitch test CA',
      '-keyout', 'ca.key', '-out', 'ca.pem');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${host}`, '-keyout', 'leaf.key', '-out', 'leaf.csr');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-extfile', 'leaf.ext', '-out', 'leaf.pem');
    const key = readFileSync(path.join(dir, 'leaf.key'));
    const cert = readFileSync(path.join(dir, 'leaf.pem'));
    const ca = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    const requests = [];
    const server = createServer({ key, cert }, (req, res) => {
      requests.push({ path: req.url, headers: req.headers });
      const file = files.get(req.url ?? '');
      if (!file) {
        res.writeHead(404).end('not found');
        return;
      }
      const headers = { 'content-type': 'application/json', ...(file.etag ? { etag: file.etag } : {}) };
      if (file.etag && req.headers['if-none-match'] === file.etag) res.writeHead(304, headers).end();
      else res.writeHead(200, headers).end(file.body);
    });
    await new Promise((resolve) => server.listen(0, resolve));
    this.#servers.push(server);
    const der = ca.replace(/-----[^-]+-----|\s/g, '');
    await this.inChrome((name, base64) => {
      Cc['@mozilla.org/security/x509certdb;1'].getService(Ci.nsIX509CertDB).addCertFromBase64(base64, 'C,,');
      const hosts = Services.prefs.getStringPref('network.dns.localDomains', '');
      Services.prefs.setStringPref('network.dns.localDomains', [hosts, name].filter(Boolean).join(','));
    }, host, der);
    const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
    return { origin: `https://${host}:${port}`, requests };
  }

  #servers = [];

  async close() {
    for (const server of this.#servers) server.close();
    await this.browser.close().catch(() => {});
  }
}

/** Calls `fn(...args)` in `context` (args and result as JSON), awaiting its value. */
async function callFunction(h, context, fn, args = [], refs = []) {
  const reply = await h.send('script.callFunction', {
    functionDeclaration: `async function (json, ...refs) { const v = await (${fn})(...refs, ...JSON.parse(json)); return JSON.stringify(v === undefined ? null : v); }`,
    arguments: [{ type: 'string', value: JSON.stringify(args) }, ...refs.map((sharedId) => ({ sharedId }))],
    awaitPromise: true,
    target: { context },
    resultOwnership: 'none',
  });
  if (reply.type === 'exception') {
    const { text, stackTrace } = reply.exceptionDetails;
    const at = stackTrace?.callFrames?.[0];
    throw new Error(`evaluate failed: ${text}${at ? ` (${at.url}:${at.lineNumber})` : ''}`);
  }
  return JSON.parse(reply.result.value);
}


/** A tab (a top-level BiDi browsing context). */
class Tab {
  #h;

  constructor(h, context) {
    this.#h = h;
    this.context = context;
  }

  async goto(url, { wait = 'complete' } = {}) {
    await this.#h.send('browsingContext.navigate', { context: this.context, url, wait });
  }

  async url() {
    const { contexts } = await this.#h.send('browsingContext.getTree', { root: this.context, maxDepth: 0 });
    return contexts[0]?.url ?? null;
  }

  /** Waits until the tab's URL matches `pattern` and its document has loaded. */
  async waitForUrl(pattern, timeoutMs = DEFAULT_TIMEOUT_MS) {
    return poll(async () => {
      const url = await this.url();
      if (!pattern.test(url ?? '')) return false;
      return (await this.evaluate(() => document.readyState === 'complete' && location.href)) || false;
    }, timeoutMs, `tab: no page at ${pattern}`);
  }

  activate() {
    return this.#h.send('browsingContext.activate', { context: this.context });
  }

  /** Evaluates `fn(...args)` in the page's own world; args and result as JSON. */
  evaluate(fn, ...args) {
    return callFunction(this.#h, this.context, fn, args);
  }

  /** Calls `fn(...nodes, ...args)` with the BiDi node references `sharedIds`. */
  evaluateOn(sharedIds, fn, ...args) {
    return callFunction(this.#h, this.context, fn, args, sharedIds);
  }

  /** Polls `fn(...args)` in the page until it is truthy; returns that value. */
  waitFor(fn, ...args) {
    const timeoutMs = typeof args.at(-1) === 'object' && args.at(-1)?.timeoutMs ? args.pop().timeoutMs : DEFAULT_TIMEOUT_MS;
    return poll(() => this.evaluate(fn, ...args), timeoutMs, `timed out waiting for ${fn}`);
  }

  /** BiDi nodes for a CSS selector (each `{sharedId, value}`). */
  async locate(css) {
    const { nodes } = await this.#h.send('browsingContext.locateNodes', {
      context: this.context, locator: { type: 'css', value: css }, serializationOptions: { maxDomDepth: 0 },
    });
    return nodes;
  }

  /** A real mouse click in the middle of the first element matching `css`. */
  async click(css) {
    // A page that draws a part again (a list re-rendered on a storage change) may replace the
    // element between finding it and pressing it: a person would press the new one, so does this.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#clickOnce(css);
      } catch (error) {
        if (attempt >= 3 || !/is not displayed|no such node|stale/i.test(error.message)) throw error;
      }
    }
  }

  async #clickOnce(css) {
    const [node] = await this.locate(css);
    if (!node) throw new Error(`click: nothing matches ${css}`);
    await this.evaluateOn([node.sharedId], (el) => el.scrollIntoView({ block: 'center' }));
    await this.#h.send('input.performActions', {
      context: this.context,
      actions: [{
        type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: node.sharedId } } },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerUp', button: 0 },
        ],
      }],
    });
  }

  /** Real key presses in this tab: `keys` are BiDi key values (characters or \uE0xx keys), held down as a chord. */
  async chord(...keys) {
    await this.#h.send('input.performActions', {
      context: this.context,
      actions: [{
        type: 'key', id: 'keyboard',
        actions: [...keys.map((value) => ({ type: 'keyDown', value })), ...keys.reverse().map((value) => ({ type: 'keyUp', value }))],
      }],
    });
  }

  close() {
    return this.#h.send('browsingContext.close', { context: this.context }).catch(() => {});
  }
}

export const KEY = Object.freeze({ Control: '\uE009', Shift: '\uE008', Alt: '\uE00A', Enter: '\uE007' });

/**
 * The banner's shadow root, open or closed, handed to `fn(root, host, ...args)` in the page;
 * `undefined` when there is no banner.
 */
export async function inBanner(tab, fn, ...args) {
  const [host] = await tab.locate('roleswitch-banner');
  if (!host) return undefined;
  const shadow = host.value?.shadowRoot?.sharedId;
  if (!shadow) throw new Error('the banner has no shadow root');
  return tab.evaluateOn([shadow, host.sharedId], fn, ...args);
}

// ---------------------------------------------------------------------------------------------
// The popup

/**
 * Real key events in the browser window, to whatever has the focus there: `keys` (each
 * `{key, code, keyCode}`) go down in order and come up in reverse, a chord when more than one.
 */
async function pressKeys(h, keys) {
  const result = await h.inChrome((list) => {
    const tip = Cc['@mozilla.org/text-input-processor;1'].createInstance(Ci.nsITextInputProcessor);
    if (!tip.beginInputTransactionForTests(window)) return 'no input transaction';
    const events = list.map((k) => new KeyboardEvent('', k));
    for (const e of events) tip.keydown(e);
    for (const e of events.reverse()) tip.keyup(e);
    return 'ok';
  }, keys);
  if (result !== 'ok') throw new Error(`keys ${keys.map((k) => k.key).join('+')}: ${result}`);
}

const KEYS = {
  Enter: { code: 'Enter', keyCode: 13 },
  Escape: { code: 'Escape', keyCode: 27 },
  Backspace: { code: 'Backspace', keyCode: 8 },
  ArrowUp: { code: 'ArrowUp', keyCode: 38 },
  ArrowDown: { code: 'ArrowDown', keyCode: 40 },
};

/** The extension's action popup: keys through the browser window, DOM read through the options page. */
class Popup {
  #h;
  #reader;

  constructor(h, reader) {
    this.#h = h;
    this.#reader = reader;
  }

  /** Evaluates `fn(document, ...args)` against the open popup's document (`null` when it is closed). */
  evaluate(fn, ...args) {
    // Composed as source: the options page's CSP forbids eval and new Function.
    const wrapper = `(...args) => { const [view] = browser.extension.getViews({ type: 'popup' }); `
      + `return view ? (${fn})(view.document, ...args) : null; }`;
    return this.#reader.evaluate(wrapper, ...args);
  }

  /** Polls `fn(document, ...args)` until truthy. */
  waitFor(fn, timeoutMs = DEFAULT_TIMEOUT_MS) {
    return poll(() => this.evaluate(fn), timeoutMs, `popup: timed out waiting for ${fn}`);
  }

  close() {
    return this.#h.closePopup();
  }

  async isOpen() {
    return this.#reader.evaluate(() => browser.extension.getViews({ type: 'popup' }).length > 0);
  }

  /** Presses and releases one key (`Enter`, `Escape`, `ArrowDown`, … or one character). */
  async press(key) {
    const def = KEYS[key]
      ?? (/^[a-z]$/i.test(key) ? { code: `Key${key.toUpperCase()}`, keyCode: key.toUpperCase().charCodeAt(0) }
        : /^\d$/.test(key) ? { code: `Digit${key}`, keyCode: key.charCodeAt(0) } : { code: '', keyCode: 0 });
    await pressKeys(this.#h, [{ key, ...def }]);
  }

  async type(text) {
    for (const character of text) await this.press(character);
  }
}

// ---------------------------------------------------------------------------------------------
// The fake AWS (tests/fixtures/aws/fake-aws.mjs, the same as the Chromium harness's), through
// WebDriver BiDi's network interception.

const headerList = (headers) => Object.entries(headers)
  .map(([name, value]) => ({ name, value: { type: 'string', value: String(value) } }));

async function serve(h, { request }) {
  const url = new URL(request.url);
  if (url.protocol === 'moz-extension:' || url.protocol === 'data:' || url.protocol === 'about:') {
    return h.send('network.continueRequest', { request: request.request });
  }
  const headers = Object.fromEntries(request.headers.map((x) => [x.name.toLowerCase(), x.value.value]));
  let body = '';
  if (request.bodySize) {
    const { bytes } = await h.send('network.getData', { dataType: 'request', request: request.request });
    body = bytes.type === 'base64' ? Buffer.from(bytes.value, 'base64').toString('utf8') : bytes.value;
  }
  const reply = answer(h.aws, { method: request.method, url: url.href, headers, body });
  if (reply.blocked) return h.send('network.failRequest', { request: request.request });
  return h.send('network.provideResponse', {
    request: request.request,
    statusCode: reply.status,
    reasonPhrase: reply.status === 200 ? 'OK' : 'Error',
    headers: headerList(reply.headers),
    body: { type: 'base64', value: Buffer.from(reply.body).toString('base64') },
  });
}
