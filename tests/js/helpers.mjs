// Shared test helpers: the real wasm core loaded in Node, and an in-memory
// chrome.storage area that enforces quotas the way Chrome's sync area does and gives
// objects back with their properties in Chromium's (sorted) order.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';

const pkg = (name) => fileURLToPath(new URL(`../../build/pkg/${name}`, import.meta.url));

export async function loadCore() {
  const core = await import(pkg('roleswitch.js'));
  await core.default({ module_or_path: readFileSync(pkg('roleswitch_bg.wasm')) });
  return core;
}

/**
 * The popup's search wasm as the popup loads it: its glue is a classic script (wasm-bindgen's
 * no-modules target, joined into the popup's bundle) that declares `wasm_bindgen`, the init
 * function carrying the exports.
 */
export async function loadPopupSearch() {
  const search = runInThisContext(`${readFileSync(pkg('popup_search.js'), 'utf8')}\nwasm_bindgen`, { filename: pkg('popup_search.js') });
  await search({ module_or_path: readFileSync(pkg('popup_search_bg.wasm')) });
  return search;
}

/** The real core as the extension loads it: through shared/core.js, restarted after a trap. */
export async function loadCoreHost() {
  const { newGlue } = await import(pkg('roleswitch-factory.js'));
  const { CoreHost } = await import('../../extension/shared/core.js');
  const host = new CoreHost(newGlue, readFileSync(pkg('roleswitch_bg.wasm')));
  await host.ready;
  return host;
}

const bytes = (key, value) => key.length + JSON.stringify(value).length;

/**
 * `value` as Chromium's storage gives it back: an object's properties in sorted order (its
 * dictionaries are sorted maps), not in the order they were written; undefined ones gone.
 * Code that compares what it reads with what it made (JSON.stringify) must not rely on the order.
 */
function asStored(value) {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : asStored(v)));
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.keys(value).sort()
    .filter((k) => value[k] !== undefined)
    .map((k) => [k, asStored(value[k])]));
}

export class FakeArea {
  constructor({ quotaBytes = Infinity, perItem = Infinity, maxItems = Infinity } = {}) {
    this.items = {};
    this.QUOTA_BYTES = quotaBytes === Infinity ? undefined : quotaBytes;
    this.QUOTA_BYTES_PER_ITEM = perItem === Infinity ? undefined : perItem;
    this.MAX_ITEMS = maxItems === Infinity ? undefined : maxItems;
    this.limits = { quotaBytes, perItem, maxItems };
    this.writes = 0;
  }
  async get(keys) {
    const all = structuredClone(this.items);
    if (keys === null || keys === undefined) return all;
    const wanted = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
    return Object.fromEntries(wanted.filter((k) => k in all).map((k) => [k, all[k]]));
  }
  async set(items) {
    const next = { ...this.items, ...asStored(structuredClone(items)) };
    for (const [k, v] of Object.entries(items)) {
      if (bytes(k, v) > this.limits.perItem) throw new Error(`QUOTA_BYTES_PER_ITEM quota exceeded (${k})`);
    }
    const total = Object.entries(next).reduce((n, [k, v]) => n + bytes(k, v), 0);
    if (total > this.limits.quotaBytes) throw new Error('QUOTA_BYTES quota exceeded');
    if (Object.keys(next).length > this.limits.maxItems) throw new Error('MAX_ITEMS quota exceeded');
    this.items = next;
    this.writes += 1;
  }
  async remove(keys) {
    for (const k of [keys].flat()) delete this.items[k];
  }
}

/** A minimal `chrome` with storage areas (sync quotas as Chrome documents them) and tabs (messages to content scripts included). */
export function fakeApi() {
  const api = {
    storage: {
      sync: new FakeArea({ quotaBytes: 102400, perItem: 8192, maxItems: 512 }),
      local: new FakeArea(),
      session: new FakeArea(),
    },
    tabs: {
      created: [],
      updated: [],
      async create(props) {
        const tab = { id: 100 + this.created.length, ...props };
        this.created.push(tab);
        return tab;
      },
      async update(id, props) {
        this.updated.push({ id, ...props });
        return { id, ...props };
      },
      // Content scripts by tab id: `pages[tabId](message)` returns the reply
      // (or throws). Without one, sending fails as Chrome's does when no
      // content script listens.
      pages: {},
      sent: [],
      async sendMessage(tabId, message, options) {
        this.sent.push({ tabId, message: structuredClone(message), options });
        const page = this.pages[tabId];
        if (!page) throw new Error('Could not establish connection. Receiving end does not exist.');
        return structuredClone(await page(message));
      },
    },
  };
  return api;
}

export function environments(core, n, prefix = 'env') {
  return Array.from({ length: n }, (_, i) => {
    const r = core.validateEnvironment(
      {
        accountId: String(100000000000 + i),
        displayName: `${prefix}-${i} “quoted” ünïcode`,
        group: `OU ${i % 7}`,
        production: i % 10 === 0,
      },
      `${prefix}-${i}`,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.environment;
  });
}
