// The banner in headless Firefox ESR: on a console page of a production account it says
// PRODUCTION where it can be seen, in the environment's color with the text color the core
// chose, striped, and with the tab title prefixed; a non-production account gets no such cue.
// The banner is read through its shadow root whether that is open or closed (harness.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, extensionDirectory, inBanner, DEFAULT_IDENTITY } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PROD = { ...DEFAULT_IDENTITY, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' };
const TEST = { ...DEFAULT_IDENTITY, accountId: '111122223333', roleName: 'OrganizationAccountAccessRole' };

let h;

before(async () => {
  h = await launch({ extensionDir: extensionDirectory(root) });
  await h.message('page-bg-load-example'); // `test` and `prod` (production)
  const { environments } = await h.message('page-bg-get-list');
  assert.deepEqual(environments.map((e) => [e.displayName, e.accountId, e.production]),
    [['test', '111122223333', false], ['prod', '444455556666', true]]);
});

after(async () => {
  await h?.close();
});

/** What a person sees of the banner in `tab`, once it is there. */
async function banner(tab) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const seen = await inBanner(tab, (shadow, host) => {
      const bar = shadow.querySelector('.bar');
      const label = shadow.querySelector('.label');
      if (!bar) return null;
      const style = getComputedStyle(bar);
      const box = bar.getBoundingClientRect();
      const labelBox = label.getBoundingClientRect();
      // What is on top at the middle of the label: the banner (retargeted to its host), or the page.
      const onTop = labelBox.width > 0
        ? document.elementFromPoint(labelBox.left + labelBox.width / 2, labelBox.top + labelBox.height / 2) : null;
      return {
        text: bar.innerText.replace(/\s+/g, ' ').trim(), // rendered text only
        labelVisible: labelBox.width > 0 && labelBox.height > 0 && getComputedStyle(label).visibility === 'visible',
        labelOnTop: onTop === host,
        background: style.backgroundColor,
        color: style.color,
        labelColor: getComputedStyle(label).color,
        labelBackground: getComputedStyle(label).backgroundColor,
        stripes: style.backgroundImage,
        top: box.top,
        height: box.height,
        width: box.width,
        viewportWidth: window.innerWidth,
        title: document.title,
      };
    }).catch(() => null);
    if (seen) return seen;
    if (Date.now() > deadline) assert.fail('no banner within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a production console page: PRODUCTION in view, red with dark text, striped, title prefixed', async () => {
  h.aws.identity = { ...PROD };
  const tab = await h.openConsole({ variant: 'header2021' });
  const b = await banner(tab);
  assert.equal(b.text, 'PRODUCTION prod 4444-5555-6666 · OrganizationAccountAccessRole');
  assert.ok(b.labelVisible, 'the PRODUCTION label has a size and is visible');
  assert.ok(b.labelOnTop, 'nothing of the page covers the label');
  assert.equal(b.background, 'rgb(242, 176, 169)', 'the environment’s red');
  assert.equal(b.color, 'rgb(22, 25, 31)', 'dark text on a light red (the core’s contrast choice)');
  assert.notEqual(b.labelBackground, b.background, 'the label stands out from the bar');
  assert.match(b.stripes, /repeating-linear-gradient/, 'stripes, not only a color');
  assert.equal(b.top, 0, 'at the top of the window');
  assert.ok(b.height >= 30, `tall enough to notice: ${b.height}px`);
  assert.equal(b.width, b.viewportWidth, 'across the whole window');
  assert.match(b.title, /^\[PROD\] /, 'the tab title says so too');

  // Screen readers get the same: the banner's accessible name (on its host, or on its status bar
  // inside the shadow root) says PRODUCTION and names the environment.
  const name = await inBanner(tab, (shadow, host) => host.getAttribute('aria-label')
    ?? shadow.querySelector('.bar').getAttribute('aria-label'));
  assert.match(name ?? '', /^PRODUCTION: prod \(4444-5555-6666\b/);
  const [host] = await tab.locate('roleswitch-banner');
  const named = async (startNodes) => (await h.send('browsingContext.locateNodes', {
    context: tab.context, locator: { type: 'accessibility', value: { name } }, ...(startNodes ? { startNodes } : {}),
  })).nodes.length;
  assert.equal(await named() + await named([{ sharedId: host.value.shadowRoot.sharedId }]), 1,
    `the accessibility tree has one element named "${name}"`);
  await tab.close();
});

test('a non-production console page: the environment’s banner, without any production cue', async () => {
  h.aws.identity = { ...TEST };
  const tab = await h.openConsole({ variant: 'classic' });
  const b = await banner(tab);
  assert.equal(b.text, 'test 1111-2222-3333 · OrganizationAccountAccessRole');
  assert.equal(b.labelVisible, false, 'no PRODUCTION label');
  assert.doesNotMatch(b.stripes, /gradient/, 'no stripes');
  assert.doesNotMatch(b.title, /PROD/);
  await tab.close();
});
