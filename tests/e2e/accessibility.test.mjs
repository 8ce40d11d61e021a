// Accessibility, checked by an engine (issue 11): axe-core runs over the toolbar popup (over a
// console tab, with groups, a production entry, a favorite and a filter typed), the options page
// (the list, the editor with a field in error, a deletion's toast) and the banner on a console
// page (a normal and a production environment, an account not in the list, at the top and at the
// bottom), in light and dark mode. No violation of impact serious or critical may remain; the
// failure names each rule, its targets and axe's summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, DEFAULT_IDENTITY, closeSoon } from './harness.mjs';
import { inBanner, waitForBanner } from './banner-dom.mjs';
import { axe, assertClean } from './axe.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMES = ['light', 'dark'];
const MGMT = { accountId: '999988887777', roleName: 'Admin', sessionName: 'alice', alias: 'acme-mgmt', region: 'us-east-1' };
const BASE = { accountId: '999988887777', roleName: 'Admin' };
const ENVS = [
  { id: 'test', displayName: 'test', accountId: '111122223333', roleName: 'OrganizationAccountAccessRole', group: 'Workloads', base: BASE },
  { id: 'prod', displayName: 'prod', accountId: '444455556666', roleName: 'OrganizationAccountAccessRole', production: true, color: 'red', group: 'Workloads', base: BASE },
  { id: 'staging', displayName: 'staging', accountId: '222233334444', group: 'Workloads', color: '#f2b0a9', base: BASE },
  { id: 'audit', displayName: 'audit', accountId: '333344445555', group: 'Security', color: 'blue' },
  { id: 'logs', displayName: 'log archive', accountId: '666677778888', group: 'Security', color: 'yellow', base: BASE },
  { id: 'sandbox', displayName: 'sandbox', accountId: '777788889999', color: 'green' },
];

let h;
let options;
const send = (type, payload) => options.evaluate(([t, p]) => globalThis.RS.protocol.send(t, p), [type, payload]);

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  assert.equal(await h.seedList(ENVS), ENVS.length);
  options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
});

after(async () => {
  await h?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const scheme of SCHEMES) {
  test(`popup over a console tab, ${scheme}: groups with their headers, a production entry, a favorite, then a filter`, async () => {
    h.aws.reset();
    h.aws.identity = { ...MGMT };
    const tab = await h.openConsole({ variant: 'header2021' });
    await sleep(300); // the page reports its identity
    const popup = await h.openPopup(tab);
    try {
      await popup.emulateMedia({ colorScheme: scheme });
      await popup.waitFor("performance.getEntriesByName('roleswitch:loaded').length > 0");
      const evaluate = (source) => popup.evaluate(source);
      // A favorite: star "prod" (Ctrl+D on it), so that the Favorites section shows.
      if (!(await popup.evaluate(() => document.querySelector('[role=option][data-id="prod"] .starred')))) {
        await popup.type('prod');
        await popup.waitFor(`document.querySelector('[role=option][aria-selected="true"]')?.dataset.id === 'prod'`);
        await popup.press('Control+d');
        await popup.waitFor(() => /Starred prod/.test(document.getElementById('status').textContent));
        for (let i = 0; i < 'prod'.length; i++) await popup.press('Backspace');
      }
      await popup.waitFor(() => document.querySelectorAll('#list [role=group]').length >= 3);
      assert.equal(await popup.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches), scheme === 'dark');
      assertClean(await axe(evaluate), `popup (${scheme}), groups shown`);
      // A header selected: there is no option to point at.
      await popup.press('ArrowUp');
      await popup.waitFor(() => !document.getElementById('filter').hasAttribute('aria-activedescendant'));
      assertClean(await axe(evaluate), `popup (${scheme}), a group header selected`);
      // A match in the account and role line: highlighted there too.
      await popup.type('1111');
      await popup.waitFor(() => document.querySelector('[role=option][aria-selected="true"] .account mark')?.textContent === '1111');
      assertClean(await axe(evaluate), `popup (${scheme}), filtered by an account`);
      for (let i = 0; i < '1111'.length; i++) await popup.press('Backspace');
      // A production entry selected, waiting for its second Enter.
      await popup.type('prod');
      await popup.waitFor(`document.querySelector('[role=option][aria-selected="true"]')?.dataset.id === 'prod'`);
      await popup.press('Enter');
      await popup.waitFor(() => !document.getElementById('confirm').hidden);
      assertClean(await axe(evaluate), `popup (${scheme}), filtered, production confirmation`);
    } finally {
      await closeSoon(popup);
      await tab.close();
    }
  });

  test(`options page, ${scheme}: the list and the editor`, async () => {
    const page = await h.context.newPage();
    try {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
      await page.waitForSelector('#envs tbody tr');
      await page.click('#add');
      await page.waitForSelector('#editor:not([hidden])');
      // A field with its error shown.
      await page.fill('#accountId', '12345');
      await page.click('#editor button[type=submit]');
      await page.waitForSelector('#error-accountId:not(:empty)');
      assertClean(await axe((source) => page.evaluate(source)), `options page (${scheme})`);
      // The toast after a deletion, with its Undo; then undone.
      await page.click('button[aria-label="Delete sandbox"]');
      await page.waitForSelector('#toast:not([hidden]) #toast-undo:not([hidden])');
      assertClean(await axe((source) => page.evaluate(source)), `options page (${scheme}), a deletion to undo`);
      await page.click('#toast-undo');
      await page.waitForFunction(() => document.getElementById('toast-text').textContent.startsWith('Restored'));
    } finally {
      await page.close();
    }
  });
}

async function setPosition(position) {
  await send('page-bg-save-banner-settings', { settings: { position } });
  const worker = await h.worker();
  for (let i = 0; i < 100; i++) {
    const lookup = await worker.evaluate(async () => (await chrome.storage.local.get('bannerLookup')).bannerLookup ?? null);
    if (lookup?.settings.position === position) return;
    await sleep(50);
  }
  throw new Error(`the lookup did not follow position ${position}`);
}

// The banner's shadow root is closed, and axe cannot enter a closed root. The test reaches it
// through DevTools (banner-dom.mjs) and makes a faithful open copy: the root's children (with
// their inline colors) and its style sheets (adopted, and any <style> among the children) in an
// open shadow root of a test element, placed exactly over the banner. axe then runs on that copy
// only: the rest of the page is the fixture's stand-in for AWS's markup, which is not ours.
// The copy is in <body> (the banner is a child of <html>): axe's color-contrast check finds
// what is behind a text only among the body's elements, and would otherwise give up.
const COPY = 'roleswitch-axe-copy';
function copyBanner(page) {
  return inBanner(page, (shadow, host, tag) => {
    document.querySelector(tag)?.remove();
    const copy = document.createElement(tag);
    const open = copy.attachShadow({ mode: 'open' });
    const sheets = shadow.adoptedStyleSheets.map((sheet) => {
      const twin = new CSSStyleSheet();
      twin.replaceSync([...sheet.cssRules].map((rule) => rule.cssText).join('\n'));
      return twin;
    });
    // Where the banner is (top or bottom), over it: the last rule for the host wins.
    const { top, height } = host.getBoundingClientRect();
    const place = new CSSStyleSheet();
    place.replaceSync(`:host { position: fixed !important; inset: ${top}px 0 auto 0 !important; height: ${height}px !important; }`);
    open.adoptedStyleSheets = [...sheets, place];
    for (const child of shadow.childNodes) open.append(child.cloneNode(true));
    document.body.prepend(copy);
    const placed = copy.getBoundingClientRect();
    return { children: open.childNodes.length, over: placed.top === top && placed.height === height };
  }, COPY);
}

const BANNERS = [
  { what: 'a normal environment', identity: { ...DEFAULT_IDENTITY, accountId: '111122223333', roleName: 'OrganizationAccountAccessRole' }, level: 'normal' },
  { what: 'a production environment', identity: { ...DEFAULT_IDENTITY, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' }, level: 'production' },
  { what: 'an account not in the list', identity: { ...DEFAULT_IDENTITY, accountId: '121212121212', roleName: 'Dev' }, level: 'unknown' },
];

for (const position of ['top', 'bottom']) {
  for (const scheme of SCHEMES) {
    test(`banner at the ${position}, ${scheme}: a normal and a production environment, an unknown account`, async () => {
      await setPosition(position);
      for (const { what, identity, level } of BANNERS) {
        h.aws.reset();
        h.aws.identity = identity;
        const page = await h.context.newPage();
        try {
          await page.emulateMedia({ colorScheme: scheme });
          const response = await page.goto(`https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1`, { waitUntil: 'load' });
          assert.ok(response?.ok());
          await waitForBanner(page, (b) => b.level === level);
          const copied = await copyBanner(page);
          assert.ok(copied.children > 0 && copied.over, `the copy has the banner’s content, over it: ${JSON.stringify(copied)}`);
          const violations = await axe((source) => page.evaluate(source), `{ include: [['${COPY}']] }`);
          assertClean(violations, `banner (${what}, ${position}, ${scheme})`);
        } finally {
          await page.close();
        }
      }
    });
  }
}
