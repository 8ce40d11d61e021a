// End-to-end harness: headless Debian Chromium with an unpacked extension, a fake AWS served
// from tests/fixtures/aws at the real AWS URLs, and the extension's real toolbar popup.
//
//   const h = await launch({ extensionDir });
//   h.aws.identity = { accountId: '111122223333', roleName: 'Dev', sessionName: 'alice', region: 'us-east-1' };
//   const page = await h.openConsole();             // a console tab, content scripts run as on AWS
//   const popup = await h.openPopup(page);          // the real action popup over that tab
//   await popup.type('prod'); await popup.press('Enter');
//   await h.aws.waitForRequest((r) => r.path === '/switchrole' && r.method === 'POST');
//   await h.close();
//
// How the popup is opened (Chromium 156, playwright-core 1.65): Chromium is started with
// --enable-unsafe-extension-debugging, which lets a browser-level DevTools session call
// `Extensions.triggerAction` — the same path as a click on the toolbar icon (activeTab is
// granted). `context.browser()` is not null for a persistent context in this Playwright
// version, so `context.browser().newBrowserCDPSession()` gives that session. triggerAction
// wants the id of a *tab* target (not the page target Playwright knows): we list targets with
// `Target.getTargets({filter: [{}]})` and find the tab whose page is ours by auto-attaching to
// each candidate tab. Playwright never sees the popup; we attach to its target in the old
// non-flattened mode (`Target.attachToTarget({flatten: false})` + `Target.sendMessageToTarget`),
// because Playwright's CDPSession cannot address flattened child sessions.
//
// Known deviations and quirks (all observed with Chromium 156):
// - POST /switchrole answers 200 with a meta refresh, not a 302: Chromium does not send the
//   hop after a fulfilled redirect back to the route (it goes to DNS and fails).
// - Console pages add `connect-src 'self' <sign-in hosts>` to the strict CSP so the
//   multi-session fetch can be made from the page, as the real console does.
// - Escape closes the popup (as in a real browser); press() tolerates a key closing it.
// - Keep no popup evaluate pending (awaiting a promise) while pressing keys: the popup then
//   sometimes closes by itself. Record events in the page and read them afterwards.
// - Access portal hosts (`<name>.awsapps.com`) serve one start page for every path; the route
//   of a shortcut link is in the fragment, which only the page sees (`page.url()` has it).
// - Every request to a host that is not AWS is aborted and listed in `aws.blocked`.
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PARTITIONS } from '../fixtures/aws/fixtures.mjs';
import { DEFAULT_IDENTITY, DEFAULT_TIMEOUT_MS, answer, createFakeAws } from '../fixtures/aws/fake-aws.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** Longest wait for one DevTools command to the popup (an evaluate may await a promise). */
const COMMAND_TIMEOUT_MS = 30_000;

export { DEFAULT_IDENTITY };

/**
 * Starts Chromium with the unpacked extension in `extensionDir`, and the ones in `alsoLoad`
 * beside it (each reached through `harness.sibling(dir)`: the bench measures its floor in
 * the same browser as the build it compares with it).
 * @param {{extensionDir: string, alsoLoad?: string[], userDataDir?: string, popupPath?: string, headless?: boolean}} options
 */
export async function launch({ extensionDir, alsoLoad = [], userDataDir, popupPath = 'popup/popup.html', headless = true }) {
  if (!extensionDir) throw new Error('launch(): extensionDir is required');
  const extensionPath = path.resolve(extensionDir);
  const paths = [extensionPath, ...alsoLoad.map((dir) => path.resolve(dir))].join(',');
  const ownsUserDataDir = !userDataDir;
  const dataDir = userDataDir ?? mkdtempSync(path.join(tmpdir(), 'roleswitch-e2e-'));
  const context = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM,
    headless,
    args: [
      `--disable-extensions-except=${paths}`,
      `--load-extension=${paths}`,
      '--enable-unsafe-extension-debugging',
      ...CHROMIUM_FLAGS,
    ],
  });
  try {
    const aws = createFakeAws();
    await context.route(() => true, (route) => serve(aws, route));
    const extensionId = alsoLoad.length ? unpackedExtensionId(extensionPath) : await findExtensionId(context);
    const h = new Harness({ context, aws, extensionId, dataDir, ownsUserDataDir, popupPath });
    if (alsoLoad.length) await h.worker(); // it loaded (the others: sibling())
    return h;
  } catch (error) {
    await context.close();
    if (ownsUserDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A fresh browser profile without the extension, with the same fake AWS: what a teammate
 * without Roleswitch gets when opening a link. `{ context, aws, close() }`.
 */
export async function launchWithoutExtension({ headless = true } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roleswitch-e2e-plain-'));
  const context = await chromium.launchPersistentContext(dataDir, { executablePath: CHROMIUM, headless, args: CHROMIUM_FLAGS });
  const aws = createFakeAws();
  await context.route(() => true, (route) => serve(aws, route));
  return {
    context,
    aws,
    async close() {
      await context.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The id Chromium gives the unpacked extension at `extensionPath` (absolute): the first 128
 * bits of the path's SHA-256, each hex digit written as a letter from a to p.
 */
export function unpackedExtensionId(extensionPath) {
  const hex = createHash('sha256').update(extensionPath).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

class Harness {
  #dataDir;
  #ownsUserDataDir;
  #ownsBrowser;

  constructor({ context, aws, extensionId, dataDir, ownsUserDataDir, popupPath, ownsBrowser = true }) {
    this.context = context;
    this.aws = aws;
    this.extensionId = extensionId;
    this.popupPath = popupPath;
    this.#dataDir = dataDir;
    this.#ownsUserDataDir = ownsUserDataDir;
    this.#ownsBrowser = ownsBrowser;
  }

  /**
   * The extension launched from `dir` beside this one (launch's `alsoLoad`), once its service
   * worker has started: a harness over the same browser and fake AWS, whose close() leaves
   * the browser to this one.
   */
  async sibling(dir, { popupPath = 'popup/popup.html' } = {}) {
    const extensionId = unpackedExtensionId(path.resolve(dir));
    const other = new Harness({
      context: this.context, aws: this.aws, extensionId, dataDir: this.#dataDir, ownsUserDataDir: false, popupPath, ownsBrowser: false,
    });
    await other.worker();
    return other;
  }

  /** The extension's current service worker (it may have been stopped and restarted). */
  async worker(timeoutMs = DEFAULT_TIMEOUT_MS) {
    const ours = (w) => w.url().startsWith(`chrome-extension://${this.extensionId}/`);
    return this.context.serviceWorkers().find(ours)
      ?? this.context.waitForEvent('serviceworker', { predicate: ours, timeout: timeoutMs });
  }

  /**
   * Replaces the list with `inputs` (environment form values) through the background, as a
   * confirmed import from the options page would.
   */
  async seedList(inputs) {
    const page = await this.context.newPage();
    try {
      await page.goto(`chrome-extension://${this.extensionId}/options/options.html`);
      return await page.evaluate(async (environments) => {
        const { protocol } = globalThis.RS;
        const { revision } = await protocol.send(protocol.MSG.PAGE_BG_GET_LIST);
        const { plan } = await protocol.send(protocol.MSG.PAGE_BG_APPLY_IMPORT, { environments, mode: 'replace', revision });
        return plan.result.length;
      }, inputs);
    } finally {
      await page.close();
    }
  }

  /**
   * Opens a console page in a new tab and waits for it to load.
   * @param {string | {url?: string, variant?: string, region?: string}} urlOrOptions
   *   A URL, or options: `variant` sets `aws.consoleVariant`; without `url` the URL is built
   *   from the variant and `aws.identity` (multisession: account-prefixed host; govcloud: GovCloud host).
   */
  async openConsole(urlOrOptions = {}) {
    const options = typeof urlOrOptions === 'string' ? { url: urlOrOptions } : urlOrOptions;
    if (options.variant) this.aws.consoleVariant = options.variant;
    const url = options.url ?? defaultConsoleUrl(this.aws, options.region);
    const page = await this.context.newPage();
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`openConsole: ${url} answered ${response?.status()}`);
    return page;
  }

  /**
   * Opens the extension's real toolbar popup over `page`'s tab (see the header comment).
   * `waitUntil`: an expression to wait for in the popup before returning (null: return as
   * soon as it is attached); `pollMs`: how often to look for the popup's target.
   * @returns {Promise<Popup>}
   */
  async openPopup(page, { timeoutMs = DEFAULT_TIMEOUT_MS, waitUntil = 'document.readyState === "complete"', pollMs = 50 } = {}) {
    const browserSession = await this.context.browser().newBrowserCDPSession();
    try {
      const tabId = await findTabTarget(browserSession, page);
      const before = await extensionPages(browserSession, this.extensionId);
      await browserSession.send('Extensions.triggerAction', { id: this.extensionId, targetId: tabId });
      const target = await poll(async () => {
        const now = await extensionPages(browserSession, this.extensionId);
        return now.find((t) => !before.some((b) => b.targetId === t.targetId));
      }, timeoutMs, `the popup of extension ${this.extensionId} did not open`, pollMs);
      if (!new URL(target.url).pathname.endsWith(`/${this.popupPath}`)) {
        throw new Error(`the action opened ${target.url}, expected the popup page ${this.popupPath}`);
      }
      const popup = await Popup.attach(browserSession, target);
      if (waitUntil) await popup.waitFor(waitUntil, timeoutMs);
      return popup;
    } catch (error) {
      await browserSession.detach().catch(() => {});
      throw error;
    }
  }

  /** Saves each environment input through the worker, as the options page's editor does; asserts each was taken. */
  async saveEnvironments(inputs) {
    const page = await this.context.newPage();
    try {
      await page.goto(`chrome-extension://${this.extensionId}/options/options.html`);
      for (const input of inputs) {
        const saved = await page.evaluate((i) => globalThis.RS.protocol.send('page-bg-save-env', { input: i }), input);
        if (!saved.ok) throw new Error(`saving ${JSON.stringify(input)} failed: ${JSON.stringify(saved.errors)}`);
      }
    } finally {
      await page.close();
    }
  }

  /** The URL of the tab the extension sees as active (the one a popup would act on). */
  async activeUrl() {
    return (await this.worker()).evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return tab?.url ?? null;
    });
  }

  /** Whether the extension's service worker is running (it has a DevTools target). */
  async workerRunning() {
    const browserSession = await this.context.browser().newBrowserCDPSession();
    try {
      const { targetInfos } = await browserSession.send('Target.getTargets');
      return targetInfos.some((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${this.extensionId}/`));
    } finally {
      await browserSession.detach().catch(() => {});
    }
  }

  /**
   * Stops the extension's service worker, as Chrome does after about 30 s idle, and waits
   * until it is gone (its DevTools target closed). `page` is any open page of the context.
   * Every other worker in the browser stops too (those of extensions loaded beside it).
   */
  async stopWorker(page, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    // A message or an event (a console tab reporting its page, an alarm) can start the worker
    // again right after it stopped: ask again until it is seen stopped.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const session = await this.context.newCDPSession(page);
      try {
        await session.send('ServiceWorker.enable');
        await session.send('ServiceWorker.stopAllWorkers');
      } finally {
        await session.detach().catch(() => {});
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the service worker did not stop (waited ${timeoutMs} ms)`);
      try {
        await poll(async () => !(await this.workerRunning()), Math.min(left, 1000), 'the service worker did not stop', 20);
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
    }
  }

  /** Starts the extension's service worker (if it is not running) and waits for its target. */
  async startWorker(page, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const session = await this.context.newCDPSession(page);
    try {
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.startWorker', { scopeURL: `chrome-extension://${this.extensionId}/` });
    } finally {
      await session.detach().catch(() => {});
    }
    await poll(() => this.workerRunning(), timeoutMs, 'the service worker did not start', 20);
  }

  async close() {
    if (!this.#ownsBrowser) return;
    await this.context.close().catch(() => {});
    if (this.#ownsUserDataDir) rmSync(this.#dataDir, { recursive: true, force: true });
  }
}

async function findExtensionId(context, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const isExtension = (w) => w.url().startsWith('chrome-extension://');
  const worker = context.serviceWorkers().find(isExtension)
    ?? await context.waitForEvent('serviceworker', { predicate: isExtension, timeout: timeoutMs })
      .catch(() => {
        throw new Error(`no extension service worker started within ${timeoutMs} ms: `
          + 'does the manifest declare background.service_worker, and did the extension load?');
      });
  return new URL(worker.url()).host;
}

function defaultConsoleUrl(aws, regionOverride) {
  const { identity, consoleVariant } = aws;
  if (consoleVariant === 'govcloud') {
    const region = regionOverride ?? (identity.region?.startsWith('us-gov-') ? identity.region : 'us-gov-west-1');
    return `https://${region}.${PARTITIONS['aws-us-gov'].consoleDomain}/console/home?region=${region}`;
  }
  const region = regionOverride ?? identity.region ?? 'us-east-1';
  const prefix = consoleVariant === 'multisession'
    ? `${identity.accountId}-${identity.sessionDifferentiator ?? 'abcd1234'}.` : '';
  return `https://${prefix}${region}.${PARTITIONS.aws.consoleDomain}/console/home?region=${region}`;
}

// ---------------------------------------------------------------------------------------------
// The fake AWS (tests/fixtures/aws/fake-aws.mjs), through Playwright's request interception

async function serve(aws, route) {
  const request = route.request();
  if (request.url().startsWith('chrome-extension:')) return route.fallback();
  const reply = answer(aws, {
    method: request.method(),
    url: request.url(),
    headers: await request.allHeaders(),
    body: request.postData() ?? '',
  });
  if (reply.blocked) return route.abort('internetdisconnected');
  return route.fulfill(reply);
}

// ---------------------------------------------------------------------------------------------
// The popup

/**
 * Closes a popup or a tab without waiting long: a popup that closed itself may never report
 * it, and a tab with an action popup open over it may not return from close().
 */
export const closeSoon = (target) => Promise.race([target.close(), new Promise((r) => setTimeout(r, 1000))]);

/** Calls `fn` until it returns something truthy; throws `message` after `timeoutMs`. */
export async function poll(fn, timeoutMs, message, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${message} (waited ${timeoutMs} ms)${lastError ? `; last error: ${lastError.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function extensionPages(browserSession, extensionId) {
  const { targetInfos } = await browserSession.send('Target.getTargets');
  return targetInfos.filter((t) => t.type === 'page' && t.url.startsWith(`chrome-extension://${extensionId}/`));
}

/** The tab target that holds `page` (Extensions.triggerAction accepts only tab targets). */
async function findTabTarget(browserSession, page) {
  const pageSession = await page.context().newCDPSession(page);
  const { targetInfo } = await pageSession.send('Target.getTargetInfo');
  await pageSession.detach();
  const { targetInfos } = await browserSession.send('Target.getTargets', { filter: [{}] });
  const tabs = targetInfos.filter((t) => t.type === 'tab');
  // Cheap first guess by URL, then confirm by asking the tab for its page.
  tabs.sort((a, b) => Number(b.url === targetInfo.url) - Number(a.url === targetInfo.url));
  for (const tab of tabs) {
    const child = await ChildSession.attach(browserSession, tab.targetId);
    try {
      const attached = child.nextEvent('Target.attachedToTarget', DEFAULT_TIMEOUT_MS);
      await child.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
      const { targetInfo: inner } = await attached;
      if (inner.targetId === targetInfo.targetId) return tab.targetId;
    } finally {
      await child.detach();
    }
  }
  throw new Error(`no tab target holds the page ${targetInfo.url}`);
}

/** A DevTools session to one target, tunnelled through a browser session (non-flattened mode). */
class ChildSession {
  #browserSession;
  #nextId = 1;
  #pending = new Map();
  #listeners = new Set();
  #onMessage;
  #onDetached;
  /** Set (to the error to reject with) once the target has gone away or we detached. */
  #gone = null;

  constructor(browserSession, sessionId, targetId) {
    this.#browserSession = browserSession;
    this.sessionId = sessionId;
    this.targetId = targetId;
    this.detached = new Promise((resolve) => {
      this.#onDetached = (event) => {
        if (event.sessionId !== sessionId) return;
        this.#cleanUp(new Error(`target ${targetId} went away`));
        resolve();
      };
    });
    this.#onMessage = (event) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message);
      if (message.id === undefined) {
        for (const listener of this.#listeners) listener(message);
        return;
      }
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result);
    };
    browserSession.on('Target.receivedMessageFromTarget', this.#onMessage);
    browserSession.on('Target.detachedFromTarget', this.#onDetached);
  }

  static async attach(browserSession, targetId) {
    const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId, flatten: false });
    return new ChildSession(browserSession, sessionId, targetId);
  }

  send(method, params = {}, timeoutMs = COMMAND_TIMEOUT_MS) {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    const result = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no reply from target ${this.targetId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (fn) => (value) => { clearTimeout(timer); fn(value); };
      this.#pending.set(id, { method, resolve: settle(resolve), reject: settle(reject) });
    });
    this.#browserSession.send('Target.sendMessageToTarget', {
      sessionId: this.sessionId, message: JSON.stringify({ id, method, params }),
    }).catch((error) => {
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      pending?.reject(error);
    });
    return result;
  }

  /** Calls `listener({method, params})` for each event of this target. Returns an unsubscriber. */
  onEvent(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  nextEvent(method, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new Error(`no ${method} event within ${timeoutMs} ms`)); }, timeoutMs);
      const off = this.onEvent((message) => {
        if (message.method !== method) return;
        clearTimeout(timer);
        off();
        resolve(message.params);
      });
    });
  }

  async detach() {
    await this.#browserSession.send('Target.detachFromTarget', { sessionId: this.sessionId }).catch(() => {});
    this.#cleanUp(new Error('session detached'));
  }

  get isGone() {
    return this.#gone !== null;
  }

  #cleanUp(error) {
    this.#gone ??= error;
    this.#browserSession.off('Target.receivedMessageFromTarget', this.#onMessage);
    this.#browserSession.off('Target.detachedFromTarget', this.#onDetached);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#listeners.clear();
  }
}

const KEYS = {
  Enter: { code: 'Enter', keyCode: 13, text: '\r' },
  Escape: { code: 'Escape', keyCode: 27 },
  Backspace: { code: 'Backspace', keyCode: 8 },
  Tab: { code: 'Tab', keyCode: 9 },
  Delete: { code: 'Delete', keyCode: 46 },
  ArrowUp: { code: 'ArrowUp', keyCode: 38 },
  ArrowDown: { code: 'ArrowDown', keyCode: 40 },
  ArrowLeft: { code: 'ArrowLeft', keyCode: 37 },
  ArrowRight: { code: 'ArrowRight', keyCode: 39 },
  Home: { code: 'Home', keyCode: 36 },
  PageUp: { code: 'PageUp', keyCode: 33 },
  PageDown: { code: 'PageDown', keyCode: 34 },
  End: { code: 'End', keyCode: 35 },
};
const PUNCTUATION = {
  ' ': ['Space', 32], '-': ['Minus', 189], _: ['Minus', 189], '.': ['Period', 190], '/': ['Slash', 191],
  ',': ['Comma', 188], '@': ['Digit2', 50], '=': ['Equal', 187], ':': ['Semicolon', 186],
};

const WORDS = ['payments', 'search', 'billing', 'identity', 'analytics', 'ledger', 'mail'];

/**
 * Serves the URLs matching `pattern` to the extension in `h` as a CORS-enabled server
 * would: a preflight is answered, and the answers expose `ETag` and `Last-Modified` (what a
 * granted host permission lifts for the extension's fetches; see tests/e2e/team-lists.test.mjs).
 * `answer(request)` resolves to what to answer with (`route.fulfill`'s options).
 * @param {{ context: import('playwright-core').BrowserContext, extensionId: string }} h
 * @param {string} pattern
 * @param {(request: import('playwright-core').Request) => Promise<object>} answer
 */
export async function serveToExtension(h, pattern, answer) {
  await h.context.route(pattern, async (route) => {
    const request = route.request();
    const cors = {
      'access-control-allow-origin': `chrome-extension://${h.extensionId}`,
      'access-control-allow-headers': 'if-none-match, if-modified-since',
      'access-control-expose-headers': 'etag, last-modified',
    };
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const reply = /** @type {{ headers?: Record<string, string> }} */ (await answer(request));
    // A request the extension gave up on (its timeout) cannot be answered any more.
    return route.fulfill({ ...reply, headers: { ...cors, ...reply.headers } }).catch(() => {});
  });
}

/**
 * `n` environment inputs for large-list tests and benchmarks: `billing-4242` and the like,
 * in 12 groups (`OU-0`…`OU-11`) with every 13th entry ungrouped, every 10th production.
 */
export function generatedEnvironments(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: `gen-${i}`,
    displayName: `${WORDS[i % WORDS.length]}-${i}`,
    accountId: String(100000000000 + i * 7919).padStart(12, '0'),
    roleName: i % 3 === 0 ? 'Admin' : 'ReadOnly',
    production: i % 10 === 9,
    ...(i % 13 === 12 ? {} : { group: `OU-${i % 12}` }),
  }));
}

const MODIFIERS = { Alt: 1, Control: 2, Meta: 4, Shift: 8 };

/**
 * Input.dispatchKeyEvent fields for a key name (`Enter`, `ArrowDown`, ...) or one character,
 * optionally with modifiers (`Alt+1`, `Control+d`): a chord with Alt, Control or Meta types
 * no text.
 */
export function keyDefinition(key) {
  const chord = key.match(/^((?:(?:Alt|Control|Meta|Shift)\+)+)(.+)$/);
  if (chord) {
    const mods = chord[1].slice(0, -1).split('+').reduce((m, name) => m | MODIFIERS[name], 0);
    const { text, modifiers = 0, ...rest } = keyDefinition(chord[2]);
    const typing = !(mods & (MODIFIERS.Alt | MODIFIERS.Control | MODIFIERS.Meta));
    return { ...rest, modifiers: modifiers | mods, ...(typing && text ? { text } : {}) };
  }
  if (KEYS[key]) return { key, ...KEYS[key] };
  if ([...key].length !== 1) {
    throw new Error(`press(): unknown key "${key}"; use one character or one of ${Object.keys(KEYS).join(', ')}`);
  }
  const upper = key.toUpperCase();
  const shift = key !== key.toLowerCase() || '_@:'.includes(key);
  const modifiers = shift ? 8 : 0;
  if (/^[a-z]$/i.test(key)) return { key, code: `Key${upper}`, keyCode: upper.charCodeAt(0), text: key, modifiers };
  if (/^\d$/.test(key)) return { key, code: `Digit${key}`, keyCode: key.charCodeAt(0), text: key, modifiers };
  const [code, keyCode] = PUNCTUATION[key] ?? ['', 0];
  return { key, code, keyCode, text: key, modifiers };
}

/** The extension's action popup, driven through DevTools. */
class Popup {
  #session;
  #browserSession;
  #closed;

  constructor(browserSession, session, target) {
    this.#browserSession = browserSession;
    this.#session = session;
    this.url = target.url;
    this.targetId = target.targetId;
    /** Console messages and uncaught exceptions of the popup, as text, oldest first. */
    this.logs = [];
    session.onEvent(({ method, params }) => {
      if (method === 'Runtime.consoleAPICalled') {
        this.logs.push(`${params.type}: ${params.args.map((a) => a.value ?? a.description).join(' ')}`);
      } else if (method === 'Runtime.exceptionThrown') {
        this.logs.push(`exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
      }
    });
    this.#closed = session.detached.then(() => browserSession.detach().catch(() => {}));
  }

  static async attach(browserSession, target) {
    const session = await ChildSession.attach(browserSession, target.targetId);
    const popup = new Popup(browserSession, session, target);
    await session.send('Runtime.enable');
    return popup;
  }

  /**
   * Evaluates `fnOrString` in the popup and returns its (awaited, JSON-able) value.
   * A function is called with `arg`. Do not keep an evaluate pending (awaiting a promise)
   * while pressing keys: Chromium 156 then sometimes closes the popup. Record what you need
   * in the page (e.g. a `window.seen` array) and read it after the keys.
   */
  async evaluate(fnOrString, arg, { timeoutMs = COMMAND_TIMEOUT_MS } = {}) {
    const expression = typeof fnOrString === 'function'
      ? `(${fnOrString})(${arg === undefined ? '' : JSON.stringify(arg)})` : String(fnOrString);
    const { result, exceptionDetails } = await this.#session.send('Runtime.evaluate', {
      expression, awaitPromise: true, returnByValue: true,
    }, timeoutMs);
    if (exceptionDetails) {
      throw new Error(`popup evaluate failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    }
    return result.value;
  }

  /** Presses and releases one key: `Enter`, `Escape`, `ArrowUp`, `ArrowDown`, `Backspace`, ... or a character. */
  async press(key) {
    const { modifiers = 0, keyCode, text, ...rest } = keyDefinition(key);
    const common = { ...rest, modifiers, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode };
    await this.#session.send('Input.dispatchKeyEvent', {
      ...common, type: text ? 'keyDown' : 'rawKeyDown', ...(text ? { text, unmodifiedText: text } : {}),
    });
    try {
      await this.#session.send('Input.dispatchKeyEvent', { ...common, type: 'keyUp' });
    } catch (error) {
      // A key can close the popup (Escape, or an extension that closes on Enter).
      if (!this.#session.isGone) throw error;
    }
  }

  async type(text) {
    for (const character of text) await this.press(character);
  }

  /** Polls `expression` (string or function) until it is truthy; returns that value. */
  async waitFor(expression, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const label = typeof expression === 'function' ? expression.toString() : expression;
    try {
      return await poll(() => this.evaluate(expression), timeoutMs, `popup: timed out waiting for ${label}`);
    } catch (error) {
      error.message += `\n  popup state: ${await this.state().catch((e) => `unreadable (${e.message})`)}`;
      throw error;
    }
  }

  /** What the popup shows and has done, as one line: for a timeout's message. */
  async state() {
    const state = await this.evaluate(() => ({
      filter: document.getElementById('filter')?.value,
      focused: document.activeElement?.id || document.activeElement?.tagName,
      status: document.getElementById('status')?.textContent,
      rows: [...document.querySelectorAll('#list .name')].slice(0, 3).map((n) => n.textContent),
      marks: performance.getEntriesByType('mark').map((m) => `${m.name}@${Math.round(m.startTime)}`),
    }), undefined, { timeoutMs: 2000 });
    return `${JSON.stringify(state)}; logs: ${JSON.stringify(this.logs.slice(-5))}`;
  }

  /** Emulates a media feature in the popup, as Playwright's `page.emulateMedia` does for a page. */
  async emulateMedia({ colorScheme }) {
    await this.#session.send('Emulation.setEmulatedMedia', {
      features: [{ name: 'prefers-color-scheme', value: colorScheme ?? '' }],
    });
  }

  async screenshot(file) {
    const { data } = await this.#session.send('Page.captureScreenshot', { format: 'png' });
    const png = Buffer.from(data, 'base64');
    if (file) writeFileSync(file, png);
    return png;
  }

  /** Resolves when the popup has gone away (closed itself, lost focus, or was closed). */
  closed() {
    return this.#closed;
  }

  async close() {
    await this.#browserSession.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {});
    await this.#closed;
  }
}
