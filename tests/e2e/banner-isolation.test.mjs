// The page cannot read, hide or drive the banner: dist/chrome in headless Chromium, console
// pages served as fixtures. What a console page's own scripts can do is done in the page's
// main world (page.evaluate); the banner is inspected through DevTools (banner-dom.mjs), the
// way assistive technology and the user see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, DEFAULT_IDENTITY } from './harness.mjs';
import { inBanner, shadowRootType, waitForBanner, centreOf } from './banner-dom.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const VAULT = { ...DEFAULT_IDENTITY, accountId: '777788889999', roleName: 'OrganizationAccountAccessRole' };
const UNKNOWN = { ...DEFAULT_IDENTITY, accountId: '999988887777', roleName: 'Admin' };
const OTHER_UNKNOWN = { ...DEFAULT_IDENTITY, accountId: '888877776666', roleName: 'Ops' };

let h;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  await h.seedList([
    { id: 'vault', accountId: '777788889999', displayName: 'ledger-vault', production: true, color: '#d0021b' },
    { id: 'sandbox', accountId: '111122223333', displayName: 'sandbox' },
  ]);
  const worker = await h.worker();
  for (let i = 0; i < 100; i++) {
    const ready = await worker.evaluate(async () => Boolean((await chrome.storage.local.get('bannerLookup')).bannerLookup?.accounts?.['777788889999']));
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the banner lookup was not built');
});

after(async () => {
  await h?.close();
});

/** The accessible names in the page's accessibility tree (what a screen reader is given). */
async function accessibleNames(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes.map((n) => n.name?.value).filter(Boolean);
  } finally {
    await cdp.detach();
  }
}

/** Pages whose URL is our options page. */
function optionsPages() {
  return h.context.pages().filter((p) => p.url().startsWith(`chrome-extension://${h.extensionId}/options/`));
}


test('a console page’s scripts cannot read the banner: closed shadow root, no attributes, the name only in the accessibility tree', async () => {
  h.aws.identity = { ...VAULT };
  const page = await h.openConsole({ variant: 'header2021' });
  const shown = await waitForBanner(page);
  assert.equal(shown.name, 'ledger-vault');
  assert.equal(shown.level, 'production');
  assert.equal(await shadowRootType(page), 'closed');

  const seen = await page.evaluate(() => {
    const host = document.querySelector('roleswitch-banner');
    const attributes = [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.value));
    return {
      found: host !== null,
      shadowRoot: host.shadowRoot,
      attributes: host.getAttributeNames(),
      html: document.documentElement.outerHTML,
      text: document.documentElement.innerText,
      anyAttribute: attributes.join('\n'),
      children: host.children.length,
      found2: document.querySelector('roleswitch-banner .bar, roleswitch-banner [role="status"]'),
    };
  });
  assert.equal(seen.found, true, 'the host element itself is in the page');
  assert.equal(seen.shadowRoot, null, 'host.shadowRoot is null for the page');
  assert.deepEqual(seen.attributes, [], 'the host says nothing about the environment');
  assert.equal(seen.children, 0);
  assert.equal(seen.found2, null);
  for (const secret of ['ledger-vault', 'PRODUCTION']) {
    assert.ok(!seen.html.includes(secret), `"${secret}" is not in the page's HTML`);
    assert.ok(!seen.anyAttribute.includes(secret), `"${secret}" is in no attribute (no light-DOM aria-label)`);
    assert.ok(!seen.text.includes(secret), `"${secret}" is not in the page's innerText`);
  }

  // Assistive technology still gets the summary, from inside the shadow root.
  const names = await accessibleNames(page);
  assert.ok(names.some((n) => n.startsWith('PRODUCTION: ledger-vault (7777-8888-9999')),
    `the summary is an accessible name: ${JSON.stringify(names)}`);
  await page.close();
});

test('a console page’s scripts cannot hide or restyle the banner', async () => {
  h.aws.identity = { ...VAULT };
  const page = await h.openConsole({ variant: 'header2021' });
  await waitForBanner(page);
  await page.evaluate(() => {
    const host = document.querySelector('roleswitch-banner');
    host.hidden = true;
    host.inert = true;
    host.setAttribute('aria-hidden', 'true');
    for (const [p, v] of [['display', 'none'], ['visibility', 'hidden'], ['opacity', '0'], ['height', '0'],
      ['transform', 'translateY(-500px)'], ['clip-path', 'inset(50%)'], ['position', 'absolute']]) {
      host.style.setProperty(p, v, 'important');
    }
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('roleswitch-banner { display: none !important; content-visibility: hidden !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  });
  await page.waitForTimeout(100);
  const after = await inBanner(page, (root, host) => {
    const r = root.querySelector('.bar').getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { height: r.height, top: r.top, hitIsBanner: hit === host, attributes: host.getAttributeNames() };
  });
  assert.ok(after.height >= 30, `still full height: ${after.height}`);
  assert.equal(after.top, 0);
  assert.equal(after.hitIsBanner, true, 'still the topmost element where it is drawn');
  assert.deepEqual(after.attributes, [], 'the page’s attributes were taken off again');
  const names = await accessibleNames(page);
  assert.ok(names.some((n) => n.startsWith('PRODUCTION: ledger-vault')), 'still in the accessibility tree');
  await page.close();
});

test('"add it" acts on the user’s own click only, and reuses one options tab', async () => {
  h.aws.identity = { ...UNKNOWN };
  const page = await h.openConsole({ variant: 'header2021' });
  const strip = await waitForBanner(page);
  assert.equal(strip.level, 'unknown');
  const before = h.context.pages().length;

  // The page's scripts: clicks and keys on the host, then on the button itself (as if the
  // page had got hold of it), 50 times each.
  await page.evaluate(() => {
    const host = document.querySelector('roleswitch-banner');
    for (let i = 0; i < 50; i++) {
      host.click();
      host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    }
  });
  await inBanner(page, (root) => {
    const button = root.querySelector('.add');
    for (let i = 0; i < 50; i++) {
      button.click();
      button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      button.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    }
  });
  await page.waitForTimeout(1000);
  assert.equal(h.context.pages().length, before, 'no tab was opened by the page’s own clicks');
  assert.equal(optionsPages().length, 0);

  // The user's click: one options tab, filled in.
  let at = await centreOf(page, '.add');
  const opened = h.context.waitForEvent('page');
  await page.mouse.click(at.x, at.y);
  const form = await opened;
  await form.locator('#editor').waitFor();
  assert.equal(await form.inputValue('#accountId'), '999988887777');
  assert.equal(await form.inputValue('#roleName'), 'Admin');
  await form.fill('#displayName', 'typed-before-the-second-click');

  // A second click on the same account: the same tab comes back, with what was typed.
  await page.bringToFront();
  assert.equal(await h.activeUrl(), page.url());
  at = await centreOf(page, '.add');
  await page.mouse.click(at.x, at.y);
  for (let i = 0; i < 50 && !(await h.activeUrl())?.includes('/options/'); i++) await page.waitForTimeout(50);
  assert.match(await h.activeUrl(), /\/options\/options\.html#add\?accountId=999988887777/, 'the options tab is shown again');
  await page.waitForTimeout(300);
  assert.equal(optionsPages().length, 1, 'still one options tab');
  assert.equal(await form.inputValue('#displayName'), 'typed-before-the-second-click', 'nothing typed was lost');

  // Another account's "add it": the same tab, now for that account.
  h.aws.identity = { ...OTHER_UNKNOWN };
  const other = await h.openConsole({ variant: 'classic' });
  await waitForBanner(other, (b) => b.level === 'unknown');
  at = await centreOf(other, '.add');
  await other.mouse.click(at.x, at.y);
  await form.waitForFunction(() => document.getElementById('accountId').value === '888877776666');
  assert.equal(await form.inputValue('#roleName'), 'Ops');
  assert.equal(optionsPages().length, 1, 'still one options tab');

  // Closed: the next click opens a new one.
  await form.close();
  const reopened = h.context.waitForEvent('page');
  await other.mouse.click(at.x, at.y);
  const again = await reopened;
  await again.locator('#editor').waitFor();
  assert.equal(await again.inputValue('#accountId'), '888877776666');
  assert.equal(optionsPages().length, 1);
  await again.close();
  await other.close();
  await page.close();
});

test('a display name with an invisible character is refused, naming the character', async () => {
  const options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const saved = await options.evaluate((input) => globalThis.RS.protocol.send('page-bg-save-env', { input }),
    { accountId: '444455556666', displayName: 'prod\u202E', production: true });
  assert.equal(saved.ok, false);
  assert.match(saved.errors[0].message, /invisible character U\+202E \(RIGHT-TO-LEFT OVERRIDE\) at position 5: remove it/);
  await options.close();
});
