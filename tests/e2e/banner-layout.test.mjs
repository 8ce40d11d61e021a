// A banner on every console variant, never over AWS's own navigation: the page's top and
// bottom bars (fixed, sticky, drawn late, rebuilt with the body) stay the topmost element
// where they are, and so does the banner, at the top and docked at the bottom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, DEFAULT_IDENTITY } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PROD = { ...DEFAULT_IDENTITY, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' };

let h;
let options;

async function send(type, payload) {
  return options.evaluate(([t, p]) => globalThis.RS.protocol.send(t, p), [type, payload]);
}

async function setPosition(position) {
  await send('page-bg-save-banner-settings', { settings: { position } });
  const worker = await h.worker();
  for (let i = 0; i < 100; i++) {
    const lookup = await worker.evaluate(async () => (await chrome.storage.local.get('bannerLookup')).bannerLookup ?? null);
    if (lookup?.settings.position === position && lookup.accounts['444455556666']) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the lookup did not follow position ${position}`);
}

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await send('page-bg-load-example', {});
  await setPosition('top');
});

after(async () => {
  await h?.close();
});

/** What is topmost at the centre of the page's bars and of the banner, as the page sees it. */
function layout(page) {
  return page.evaluate(() => {
    const host = document.querySelector('roleswitch-banner');
    const centre = (el) => {
      const r = el.getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2];
    };
    const topmostAtCentre = (selector) => {
      const el = document.querySelector(selector);
      if (!el) return null;
      const hit = document.elementFromPoint(...centre(el));
      return hit !== null && el.contains(hit) ? 'itself' : (hit?.closest('roleswitch-banner') ? 'the banner' : hit?.outerHTML.slice(0, 60) ?? 'nothing');
    };
    const r = host?.getBoundingClientRect();
    return {
      banner: host ? { top: r.top, bottom: r.bottom, height: r.height, hit: document.elementFromPoint(...centre(host)) === host } : null,
      viewport: window.innerHeight,
      accountMenu: topmostAtCentre('[data-testid="awsc-nav-account-menu-button"]'),
      logo: topmostAtCentre('.awsc-logo'),
      footer: topmostAtCentre('[data-testid="awsc-nav-cloudshell-button"]'),
      toolbar: topmostAtCentre('[data-testid="service-bar-refresh"]'),
      heading: topmostAtCentre('main h1'),
      headerTop: document.querySelector('#awsc-navigation-container')?.getBoundingClientRect().top ?? null,
      scrollY: window.scrollY,
    };
  });
}

/** Polls until nothing is covered (the edge watch runs at the next frame); fails with the last layout. */
async function expectUncovered(page, position, what) {
  let last;
  for (let i = 0; i < 60; i++) {
    last = await layout(page);
    const b = last.banner;
    const placed = b && (position === 'top' ? b.top === 0 : Math.round(b.bottom) === last.viewport);
    const ok = placed && b.hit && b.height >= 30 && last.accountMenu === 'itself' && last.logo === 'itself'
      && (last.footer === null || last.footer === 'itself') && (last.toolbar === null || last.toolbar === 'itself');
    if (ok) return last;
    await page.waitForTimeout(50);
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

for (const variant of ['fixedheader', 'stickyheader', 'fixedrerender', 'navlate']) {
  for (const position of ['top', 'bottom']) {
    test(`${variant}, banner at the ${position}: AWS's header and footer bars and the banner are each the topmost element where they are`, async () => {
      await setPosition(position);
      h.aws.identity = { ...PROD };
      const page = await h.openConsole({ variant });
      if (variant === 'fixedrerender') await page.waitForFunction(() => document.documentElement.dataset.rerenders === '2');
      if (variant === 'navlate') await page.waitForFunction(() => document.documentElement.dataset.headerDrawn === 'true');
      let l = await expectUncovered(page, position, 'after load');
      if (position === 'top') assert.equal(l.heading, 'itself', 'the page’s content starts below the banner and the header');
      if (variant === 'stickyheader' || variant === 'fixedheader') {
        await page.evaluate(() => window.scrollTo(0, 1200));
        l = await expectUncovered(page, position, 'scrolled');
        if (variant === 'stickyheader') assert.ok(l.scrollY > 0, 'the page scrolled');
        await page.evaluate(() => window.scrollTo(0, 0));
        await expectUncovered(page, position, 'scrolled back');
      }
      await page.close();
    });
  }
}

test('moving the banner from top to bottom and back moves the page’s bars back too', async () => {
  await setPosition('top');
  h.aws.identity = { ...PROD };
  const page = await h.openConsole({ variant: 'fixedheader' });
  const top = await expectUncovered(page, 'top', 'top');
  assert.equal(top.headerTop, top.banner.bottom, 'the fixed header sits right under the banner');
  await setPosition('bottom');
  const bottom = await expectUncovered(page, 'bottom', 'bottom');
  assert.equal(bottom.headerTop, 0, 'the header is back at the top of the window');
  const style = await page.evaluate(() => document.querySelector('#awsc-navigation-container').getAttribute('style'));
  assert.ok(!style || !/top/.test(style), `no top of ours left on the header: ${style}`);
  await setPosition('top');
  await expectUncovered(page, 'top', 'top again');
  await page.close();
});

test('leaving the list: the quiet strip takes the banner’s place, and without it the page’s bars are back as they were', async () => {
  await setPosition('top');
  h.aws.identity = { ...PROD };
  const page = await h.openConsole({ variant: 'fixedheader' });
  await expectUncovered(page, 'top', 'with the banner');
  const { environments } = await send('page-bg-get-list', {});
  const prod = environments.find((e) => e.accountId === '444455556666');
  await send('page-bg-delete-env', { id: prod.id });
  // The account is now unknown: the quiet strip, with the header right under it.
  let l;
  for (let i = 0; i < 60; i++) {
    l = await layout(page);
    if (l.banner && l.banner.height < 30 && l.headerTop === l.banner.bottom && l.accountMenu === 'itself') break;
    await page.waitForTimeout(50);
  }
  assert.ok(l.banner.height < 30 && l.banner.hit, `the strip: ${JSON.stringify(l)}`);
  assert.equal(l.headerTop, l.banner.bottom, 'the header sits under the strip');
  assert.equal(l.accountMenu, 'itself');
  // No strip either: no banner, and the header has its own place back.
  await send('page-bg-save-banner-settings', { settings: { unknownAccountStrip: false } });
  await page.waitForFunction(() => document.querySelector('roleswitch-banner') === null);
  await page.waitForFunction(() => document.querySelector('#awsc-navigation-container').getBoundingClientRect().top === 0);
  const style = await page.evaluate(() => document.querySelector('#awsc-navigation-container').getAttribute('style'));
  assert.ok(!style, `no inline style of ours is left on the page: ${style}`);
  await send('page-bg-save-banner-settings', { settings: { unknownAccountStrip: true } });
  await send('page-bg-load-example', {}).catch(() => {}); // only while the list is empty
  await page.close();
});
