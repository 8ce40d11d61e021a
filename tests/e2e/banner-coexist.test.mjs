// What else on a console page keeps a place of its own: a second Roleswitch installed beside
// this one (a store copy and a developer's build), and a page script that takes the banner out
// each time it is put back. Neither may make the two take turns for ever (each change wakes
// the other's mutation observer within the same task: the page would hang), and no cue is lost.
// dist/chrome and a copy of it (another extension id) in one headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, DEFAULT_IDENTITY } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TEST = { ...DEFAULT_IDENTITY, accountId: '111122223333', roleName: 'OrganizationAccountAccessRole' };

let h;
let copy;

/** The example list and the favicon cue in the extension of harness `x`, once its banner lookup has them. */
async function prepare(x) {
  const options = await x.context.newPage();
  try {
    await options.goto(`chrome-extension://${x.extensionId}/options/options.html`);
    await options.evaluate(async () => {
      const { protocol } = globalThis.RS;
      await protocol.send(protocol.MSG.PAGE_BG_LOAD_EXAMPLE);
      await protocol.send('page-bg-save-banner-settings', { settings: { titleCue: true, faviconCue: true } });
    });
  } finally {
    await options.close();
  }
  const worker = await x.worker();
  for (let i = 0; i < 100; i++) {
    const ready = await worker.evaluate(async () => {
      const lookup = (await chrome.storage.local.get('bannerLookup')).bannerLookup;
      return Boolean(lookup?.accounts?.['111122223333'] && lookup.settings.faviconCue);
    });
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${x.extensionId}: the banner lookup was not built`);
}

before(async () => {
  copy = mkdtempSync(path.join(tmpdir(), 'roleswitch-copy-'));
  cpSync(`${root}/dist/chrome`, copy, { recursive: true });
  h = await launch({ extensionDir: `${root}/dist/chrome`, alsoLoad: [copy] });
  await prepare(h);
  await prepare(await h.sibling(copy));
});

after(async () => {
  await h?.close();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** Resolves with `promise`'s value, or fails saying what did not happen within `ms`. */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (waited ${ms} ms: is the page stuck?)`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('two Roleswitch installs on one console page: both banners ahead of the page, the prefix once, an icon of theirs last, and then no change', async () => {
  h.aws.identity = { ...TEST };
  // Before, each put its banner first in <html> and its icon last whenever the other had: the
  // page never finished loading.
  const page = await h.openConsole({ variant: 'header2021' });
  await page.waitForFunction(() => document.querySelectorAll('roleswitch-banner').length === 2
    && document.title.startsWith('[test] ') && document.querySelectorAll('link[data-roleswitch]').length === 2);
  const state = await within(page.evaluate(() => new Promise((resolve) => {
    // What either would move again: <html>'s and <head>'s children, the title's text.
    let changes = 0;
    const observer = new MutationObserver((records) => { changes += records.length; });
    observer.observe(document.documentElement, { childList: true });
    observer.observe(document.head, { childList: true });
    observer.observe(document.querySelector('title'), { childList: true, characterData: true, subtree: true });
    setTimeout(() => {
      observer.disconnect();
      resolve({
        changes,
        children: [...document.documentElement.children].map((e) => e.localName),
        title: document.title,
        icons: [...document.querySelectorAll('link[rel~="icon"]')].map((l) => 'roleswitch' in l.dataset),
      });
    }, 500);
  })), 10_000, 'the page did not answer');
  assert.deepEqual(state.children, ['roleswitch-banner', 'roleswitch-banner', 'head', 'body']);
  assert.equal(state.title.split('[test] ').length - 1, 1, `the prefix once: ${state.title}`);
  assert.deepEqual(state.icons.slice(-2), [true, true], `the page's own icons first: ${state.icons}`);
  assert.equal(state.changes, 0, 'neither moved anything once both were in place');
  await page.close();
});

test('a page script that takes the banner out each time it is put back: the page goes on, and the banner is back once it stops', async () => {
  h.aws.identity = { ...TEST };
  const page = await h.openConsole({ variant: 'header2021' });
  await page.waitForFunction(() => document.querySelectorAll('roleswitch-banner').length === 2);
  const fight = await within(page.evaluate(() => new Promise((resolve) => {
    let removed = 0;
    const takeOut = () => {
      for (const banner of document.querySelectorAll('roleswitch-banner')) {
        banner.remove();
        removed += 1;
      }
    };
    const observer = new MutationObserver(takeOut);
    observer.observe(document.documentElement, { childList: true });
    takeOut();
    // A task after this one: it runs only once the two have stopped taking turns.
    setTimeout(() => {
      observer.disconnect();
      resolve({ removed, left: document.querySelectorAll('roleswitch-banner').length });
    }, 50);
  })), 10_000, 'the page did not get to its next task');
  assert.ok(fight.removed >= 4, `each banner was put back at least once: ${fight.removed} taken out`);
  assert.ok(fight.removed < 200, `then each waited: ${fight.removed} taken out in 50 ms`);
  await page.waitForFunction(() => document.querySelectorAll('roleswitch-banner').length === 2
    && [...document.documentElement.children].slice(0, 2).every((e) => e.localName === 'roleswitch-banner'), null, { timeout: 5000 });
  await page.close();
});
