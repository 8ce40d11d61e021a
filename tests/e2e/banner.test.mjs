// The banner and the tab cues, end to end: dist/chrome in headless Chromium,
// console pages served as fixtures at the real AWS URLs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, DEFAULT_IDENTITY } from './harness.mjs';
import { inBanner, centreOf } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PROD = { ...DEFAULT_IDENTITY, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' };
const TEST = { ...DEFAULT_IDENTITY, accountId: '111122223333', roleName: 'OrganizationAccountAccessRole' };
const UNKNOWN = { ...DEFAULT_IDENTITY, accountId: '999988887777', roleName: 'Admin' };

// Main world, before the page's scripts: when the banner first appears, and the first contentful paint.
const PROBE = () => {
  const probe = (window.__rsProbe = { inserted: null, fcp: null });
  const observer = new MutationObserver(() => {
    if (probe.inserted === null && document.querySelector('roleswitch-banner')) {
      probe.inserted = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') probe.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
};

let h;
let options;

async function send(type, payload) {
  return options.evaluate(([t, p]) => globalThis.RS.protocol.send(t, p), [type, payload]);
}

async function lookupMatches(predicate) {
  const worker = await h.worker();
  for (let i = 0; i < 100; i++) {
    const lookup = await worker.evaluate(async () => (await chrome.storage.local.get('bannerLookup')).bannerLookup ?? null);
    if (lookup && predicate(lookup)) return lookup;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the banner lookup was not rebuilt');
}

async function saveSettings(settings) {
  await send('page-bg-save-banner-settings', { settings });
  await lookupMatches((l) => Object.entries(settings).every(([k, v]) => l.settings[k] === v));
}

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  await h.context.addInitScript(PROBE);
  options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await send('page-bg-load-example', {});
  await lookupMatches((l) => Boolean(l.accounts['444455556666']));
});

after(async () => {
  await h?.close();
});

async function bannerOf(page) {
  await page.locator('roleswitch-banner').waitFor({ state: 'attached' });
  return inBanner(page, (root) => {
    const bar = root.querySelector('.bar');
    const style = getComputedStyle(bar);
    const header = document.querySelector('header, #awsc-navigation-container, #awsgnav');
    const rect = bar.getBoundingClientRect();
    const icons = [...document.querySelectorAll('link[rel~="icon"]')];
    return {
      count: document.querySelectorAll('roleswitch-banner').length,
      level: bar.classList.contains('unknown') ? 'unknown' : bar.classList.contains('production') ? 'production' : 'normal',
      label: root.querySelector('.label').textContent,
      name: root.querySelector('.name').textContent,
      meta: root.querySelector('.meta').textContent,
      display: style.display,
      background: style.backgroundColor,
      backgroundImage: style.backgroundImage,
      color: style.color,
      fontSize: style.fontSize,
      top: rect.top,
      bottom: rect.bottom,
      height: rect.height,
      viewport: window.innerHeight,
      headerTop: header?.getBoundingClientRect().top ?? null,
      title: document.title,
      icon: icons.at(-1)?.href ?? null,
      ourIcon: icons.at(-1)?.hasAttribute('data-roleswitch') ?? false,
      probe: window.__rsProbe,
    };
  });
}

/** The toolbar badge of `page`'s tab, read in the service worker. */
async function badgeOf(page) {
  const worker = await h.worker();
  const url = page.url();
  return worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url === u);
    if (!tab) return { error: `no tab with ${u}` };
    const text = await chrome.action.getBadgeText({ tabId: tab.id });
    const color = await chrome.action.getBadgeBackgroundColor({ tabId: tab.id });
    return { text, color };
  }, url);
}

async function waitForBadge(page, text) {
  let last;
  for (let i = 0; i < 60; i++) {
    last = await badgeOf(page);
    if (last.text === text) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`badge: wanted ${JSON.stringify(text)}, got ${JSON.stringify(last)}`);
}

for (const variant of ['classic', 'header2021', 'multisession', 'rerender', 'hostilecss']) {
  test(`${variant}: the production banner is there at first paint, above the header, with title, favicon and badge`, async () => {
    h.aws.identity = { ...PROD };
    const page = await h.openConsole({ variant });
    if (variant === 'multisession') assert.match(page.url(), /^https:\/\/444455556666-/, 'the account is in the host');
    if (variant === 'rerender') await page.waitForFunction(() => document.documentElement.dataset.rerenders === '2');
    await page.waitForFunction(() => window.__rsProbe.fcp !== null);
    const b = await bannerOf(page);
    assert.ok(b.probe.inserted !== null && b.probe.inserted <= b.probe.fcp,
      `banner inserted at ${b.probe.inserted} ms, first contentful paint at ${b.probe.fcp} ms`);
    assert.equal(b.count, 1);
    assert.equal(b.level, 'production');
    assert.equal(b.label, 'PRODUCTION');
    assert.equal(b.name, 'prod');
    assert.equal(b.meta, '4444-5555-6666 · OrganizationAccountAccessRole');
    assert.equal(b.display, 'flex');
    assert.equal(b.background, 'rgb(242, 176, 169)');
    assert.equal(b.color, 'rgb(22, 25, 31)');
    assert.match(b.backgroundImage, /repeating-linear-gradient/, 'stripes, not only a color');
    assert.equal(b.fontSize, '13px', 'the page’s CSS does not reach the banner');
    assert.equal(b.top, 0);
    assert.ok(b.height >= 30, `height ${b.height}`);
    assert.ok(b.headerTop >= b.bottom - 0.5, `the AWS header (${b.headerTop}) is below the banner (${b.bottom})`);
    assert.match(b.title, /^\[PROD\] /);
    assert.equal(b.title.indexOf('[PROD]', 1), -1, 'one prefix only');
    assert.ok(b.ourIcon && b.icon.startsWith('data:image/png;base64,'), 'the tab icon is ours');
    const badge = await waitForBadge(page, 'PROD');
    assert.deepEqual(badge.color, [242, 176, 169, 255]);
    await page.close();
  });
}

for (const variant of ['navbutton', 'navword', 'navicon', 'navlate']) {
  test(`${variant}: with only the navigation header to go by, every signal is tried and the page gets its banner`, async () => {
    h.aws.identity = { ...PROD };
    const page = await h.openConsole({ variant });
    if (variant === 'navlate') {
      assert.equal(await page.locator('[data-testid="awsc-nav-header"]').count(), 0, 'no header at load');
      await page.waitForFunction(() => document.documentElement.dataset.headerDrawn === 'true');
    }
    assert.equal(await page.locator('meta[name="awsc-session-data"]').count(), 0, 'no session data');
    const b = await bannerOf(page);
    assert.equal(b.count, 1);
    assert.equal(b.level, 'production');
    assert.equal(b.name, 'prod');
    assert.equal(b.meta, '4444-5555-6666 · OrganizationAccountAccessRole', 'account and role from the header');
    await page.waitForFunction(() => document.title.startsWith('[PROD] '));
    await waitForBadge(page, 'PROD');
    await page.close();
  });
}

test('the banner survives removal, and the prefix survives the page’s own title changes and single-page navigation', async () => {
  h.aws.identity = { ...TEST };
  const page = await h.openConsole({ variant: 'header2021' });
  let b = await bannerOf(page);
  assert.equal(b.name, 'test');
  assert.equal(b.level, 'normal');
  assert.equal(b.title, '[test] Console Home | Console Home | us-east-1');
  await page.evaluate(() => document.querySelector('roleswitch-banner').remove());
  await page.evaluate(() => {
    history.pushState({}, '', '/ec2/home?region=us-east-1');
    document.title = 'Instances | EC2';
  });
  await page.waitForFunction(() => document.title === '[test] Instances | EC2');
  await page.evaluate(() => {
    const t = document.createElement('title');
    t.textContent = 'S3 buckets';
    document.querySelector('title').replaceWith(t);
  });
  await page.waitForFunction(() => document.title === '[test] S3 buckets');
  b = await bannerOf(page);
  assert.equal(b.count, 1);
  assert.equal(b.name, 'test');
  await waitForBadge(page, 'TEST');
  await page.close();
});

test('leaving the console or the account removes every cue', async () => {
  h.aws.identity = { ...PROD };
  const page = await h.openConsole({ variant: 'header2021' });
  await bannerOf(page);
  await waitForBadge(page, 'PROD');
  // Away to a page that is not a console page.
  await page.goto('https://signin.aws.amazon.com/switchrole?account=x');
  assert.equal(await page.locator('roleswitch-banner').count(), 0);
  assert.doesNotMatch(await page.title(), /PROD/);
  await waitForBadge(page, '');
  // Back to a console, then to an account that is not in the list.
  await page.goto('https://us-east-1.console.aws.amazon.com/console/home');
  await waitForBadge(page, 'PROD');
  h.aws.identity = { ...UNKNOWN };
  await page.goto('https://us-east-1.console.aws.amazon.com/console/home?x=1');
  const b = await bannerOf(page);
  assert.equal(b.level, 'unknown');
  assert.doesNotMatch(b.title, /^\[/);
  assert.equal(b.ourIcon, false, 'no tinted icon');
  await waitForBadge(page, '');
  await page.close();
});

test('an account not in the list gets a quiet strip whose link opens the options page pre-filled', async () => {
  h.aws.identity = { ...UNKNOWN };
  const page = await h.openConsole({ variant: 'classic' });
  const b = await bannerOf(page);
  assert.equal(b.level, 'unknown');
  assert.equal(b.meta, 'Account 9999-8888-7777 is not in your list — add it');
  assert.equal(b.background, 'rgb(242, 243, 243)', 'neutral');
  assert.ok(b.height <= 26, `quiet: ${b.height}px`);
  const opened = h.context.waitForEvent('page');
  const at = await centreOf(page, '.add');
  await page.mouse.click(at.x, at.y); // a real click: the page's own click() does nothing (banner-isolation)
  const form = await opened;
  await form.waitForLoadState();
  assert.match(form.url(), /options\/options\.html#add\?accountId=999988887777&roleName=Admin$/);
  await form.locator('#editor').waitFor();
  assert.equal(await form.inputValue('#accountId'), '999988887777');
  assert.equal(await form.inputValue('#roleName'), 'Admin');
  assert.equal(await form.evaluate(() => document.activeElement.id), 'displayName');
  await form.close();
  await page.close();
});

test('settings: bottom position, compact, cues off, strip off — applied to open tabs too', async () => {
  h.aws.identity = { ...PROD };
  const open = await h.openConsole({ variant: 'header2021' });
  await bannerOf(open);
  await saveSettings({ position: 'bottom', compact: true, titleCue: false, faviconCue: false, badgeCue: false });
  await open.waitForFunction(() => !document.title.startsWith('['));
  let b = await bannerOf(open);
  assert.equal(Math.round(b.bottom), b.viewport, 'docked at the bottom');
  assert.equal(b.ourIcon, false);
  assert.equal(b.height, 24, 'compact production height');
  await waitForBadge(open, '');
  await open.close();

  const page = await h.openConsole({ variant: 'header2021' });
  b = await bannerOf(page);
  assert.equal(Math.round(b.bottom), b.viewport);
  assert.equal(b.headerTop, 0, 'the header stays at the top, uncovered');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).paddingBottom), '24px',
    'the page has room for the docked banner');
  assert.doesNotMatch(b.title, /^\[/);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await badgeOf(page)).text, '');
  await page.close();

  await saveSettings({ unknownAccountStrip: false });
  h.aws.identity = { ...UNKNOWN };
  const unknown = await h.openConsole({ variant: 'header2021' });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await unknown.locator('roleswitch-banner').count(), 0, 'no strip when turned off');
  await unknown.close();

  // Back to the defaults through the options form.
  await options.reload();
  await options.selectOption('#bs-position', 'top');
  for (const id of ['compact']) await options.setChecked(`#bs-${id}`, false);
  for (const id of ['titleCue', 'faviconCue', 'badgeCue', 'unknownAccountStrip']) await options.setChecked(`#bs-${id}`, true);
  await lookupMatches((l) => l.settings.position === 'top' && l.settings.badgeCue && l.settings.unknownAccountStrip && !l.settings.compact);
});

test('banner settings of an earlier version (their own sync item) are used, and moved into the one settings item on the next save', async () => {
  const worker = await h.worker();
  await worker.evaluate(async () => {
    const { settings } = await chrome.storage.sync.get('settings');
    if (settings) delete settings.banner;
    await chrome.storage.sync.set({ settings: settings ?? {}, bannerSettings: { position: 'bottom', compact: true } });
  });
  await lookupMatches((l) => l.settings.position === 'bottom' && l.settings.compact);
  await options.reload();
  assert.equal(await options.inputValue('#bs-position'), 'bottom', 'the options page shows them');
  assert.equal(await options.isChecked('#bs-compact'), true);

  await options.setChecked('#bs-compact', false);
  await lookupMatches((l) => l.settings.position === 'bottom' && !l.settings.compact);
  const stored = await worker.evaluate(() => chrome.storage.sync.get(['settings', 'bannerSettings']));
  assert.equal(stored.bannerSettings, undefined, 'the old item is gone once the settings are written');
  assert.equal(stored.settings.banner.position, 'bottom', 'kept in the one item');
  assert.equal(stored.settings.confirmProduction, true, 'the popup settings are in the same item');

  // One save path: a value the core refuses is not saved, and the form says why.
  await options.fill('#bs-titlePrefixProduction', 'PROD\u200B ');
  await options.locator('#bs-titlePrefixProduction').dispatchEvent('change');
  await options.waitForFunction(() => document.getElementById('banner-settings-status').textContent.startsWith('Not saved:'));
  assert.match(await options.textContent('#banner-settings-status'),
    /^Not saved: Setting "banner\.titlePrefixProduction" was "PROD\\u\{200b\} ", not text of at most 40 characters without control or invisible characters; nothing was saved\./);
  const after = await worker.evaluate(() => chrome.storage.sync.get('settings'));
  assert.equal(after.settings.banner.titlePrefixProduction, '[PROD] ');
  await saveSettings({ position: 'top' });
});

test('optional reminder over destructive buttons on production pages (off by default)', async () => {
  h.aws.identity = { ...PROD };
  const page = await h.openConsole({ variant: 'header2021' });
  await bannerOf(page);
  await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'terminate';
    b.textContent = 'Terminate instance';
    document.querySelector('main').append(b);
  });
  const reminder = () => inBanner(page, (root) => {
    const r = root.querySelector('.reminder');
    return r.hidden ? null : r.textContent;
  });
  await page.hover('#terminate');
  assert.equal(await reminder(), null, 'off by default');
  await saveSettings({ destructiveReminder: true });
  await page.hover('h1');
  await page.hover('#terminate');
  assert.equal(await reminder(), 'PRODUCTION: prod (4444-5555-6666)');
  await page.hover('h1');
  assert.equal(await reminder(), null);
  await saveSettings({ destructiveReminder: false });
  await page.close();
});

test('an environment’s own tab title prefix replaces the template, an empty one means none, and the title cue still rules', async () => {
  const { environments } = await send('page-bg-get-list', {});
  const original = environments.find((e) => e.accountId === '111122223333');
  /** Saves `test` with `titlePrefix` (undefined: none of its own) and waits for the lookup to carry `want`. */
  async function setPrefix(titlePrefix, want) {
    const input = { ...original };
    if (titlePrefix !== undefined) input.titlePrefix = titlePrefix;
    const saved = await send('page-bg-save-env', { input });
    assert.equal(saved.ok, true, JSON.stringify(saved.errors));
    await lookupMatches((l) => l.accounts['111122223333']['*'].titlePrefix === want);
  }
  const TITLE = 'Console Home | Console Home | us-east-1';
  h.aws.identity = { ...TEST };
  const open = await h.openConsole({ variant: 'header2021' });
  await bannerOf(open);
  await open.waitForFunction((t) => document.title === `[test] ${t}`, TITLE);

  await setPrefix('DEV·EU', 'DEV·EU ');
  await open.waitForFunction((t) => document.title === `DEV·EU ${t}`, TITLE);
  const page = await h.openConsole({ variant: 'header2021' });
  const b = await bannerOf(page);
  assert.equal(b.name, 'test', 'the banner is unchanged');
  await page.waitForFunction((t) => document.title === `DEV·EU ${t}`, TITLE);
  await page.close();

  await setPrefix('', '');
  await open.waitForFunction((t) => document.title === t, TITLE);
  assert.equal((await bannerOf(open)).name, 'test', 'no prefix, but still the banner');

  await setPrefix('DEV·EU', 'DEV·EU ');
  await open.waitForFunction((t) => document.title === `DEV·EU ${t}`, TITLE);
  await saveSettings({ titleCue: false });
  await open.waitForFunction((t) => document.title === t, TITLE);

  await saveSettings({ titleCue: true });
  await setPrefix(undefined, '[test] ');
  await open.waitForFunction((t) => document.title === `[test] ${t}`, TITLE);
  await open.close();
});
