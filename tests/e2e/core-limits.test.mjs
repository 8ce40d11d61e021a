// Nothing lost, nothing missed (issue #10), end to end: the service worker's core keeps
// working after a trap, and an import over the size cap is refused with a message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, closeSoon } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MGMT = { accountId: '999988887777', roleName: 'Admin', sessionName: 'alice', alias: 'acme-mgmt', region: 'us-east-1' };

let h;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  const seeded = await h.seedList([{ id: 'test', displayName: 'test', accountId: '111122223333', region: 'eu-west-1' }]);
  assert.equal(seeded, 1);
});

after(async () => {
  await h?.close();
});


test("a trap in the service worker's core: the next switch from the popup still goes through", async () => {
  const worker = await h.worker();
  // The worker's core as a trap leaves it: memory overwritten, and the trap itself already
  // happened below the loader. Every raw call now fails, even version().
  const raw = await worker.evaluate(() => {
    const host = globalThis.RS.coreHost;
    new Uint8Array(host.exports.memory.buffer).fill(0xff);
    try {
      return host.glue.version();
    } catch (err) {
      return `${err.name}: ${err.message}`;
    }
  });
  assert.equal(raw, 'RuntimeError: memory access out of bounds');

  h.aws.reset();
  h.aws.identity = { ...MGMT };
  const tab = await h.openConsole({ variant: 'header2021' });
  const popup = await h.openPopup(tab);
  try {
    await popup.waitFor(`document.querySelector('#list .name')?.textContent === 'test'`);
    await popup.press('Enter');
    const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
    assert.equal(post.host, 'signin.aws.amazon.com');
    assert.equal(post.form.account, '111122223333');
  } finally {
    await closeSoon(popup);
    await Promise.race([tab.close(), new Promise((r) => setTimeout(r, 1000))]);
  }
  const after = await (await h.worker()).evaluate(() => ({
    restarts: globalThis.RS.coreHost.restarts,
    trap: String(globalThis.RS.coreHost.lastTrap),
    version: globalThis.RS.coreHost.core.version(),
  }));
  assert.equal(after.restarts, 1, 'one fresh instance');
  assert.match(after.trap, /^RuntimeError: /);
  assert.equal(after.version, '0.1.0');
});

/** An AWS Extend Switch Roles file of about `bytes` bytes: valid, just too large. */
function largeAesrFile(bytes) {
  const out = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const profile = `[profile team-${i}]\naws_account_id = ${String(100000000000 + i)}\nrole_name = Admin\n\n`;
    out.push(profile);
    size += profile.length;
  }
  return out.join('');
}

test('an import over the size cap is refused with a message, pasted or chosen, and nothing is imported', async () => {
  const page = await h.context.newPage();
  try {
    // 17.5 MB in a text box keeps the page's main thread busy for a while on a loaded machine:
    // this test is about the message, not the speed, so every action may wait that long.
    page.setDefaultTimeout(120_000);
    await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    await page.locator('#envs tbody tr').first().waitFor();
    const text = largeAesrFile(17.5e6);

    // Pasted: the text lands in the box at once, with an input event (typing it would take hours).
    await page.evaluate((pasted) => {
      const box = document.getElementById('import-text');
      box.value = pasted;
      box.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste' }));
    }, text);
    await page.click('#import-preview');
    await page.locator('#import-errors li').waitFor();
    assert.equal(await page.textContent('#import-errors p'), 'The pasted text was not imported:');
    assert.match(
      await page.textContent('#import-errors li'),
      /^It is 16\.7 MB, more than the 16 MB an import reads; nothing was read\. .*split the list into parts of at most 16 MB/,
    );
    assert.equal(await page.isVisible('#import-plan'), false, 'no preview, so no way to confirm');

    // The same cap for a file, checked before it is read: the text box keeps what it had.
    await page.locator('#import-text').fill('');
    await page.setInputFiles('#import-file', { name: 'huge.ini', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.waitForFunction(() => document.querySelector('#import-errors p')?.textContent === 'huge.ini was not imported:');
    assert.match(await page.textContent('#import-errors li'), /^It is 16\.7 MB, more than the 16 MB an import reads/);
    assert.equal(await page.inputValue('#import-text'), '');
    assert.deepEqual(await page.locator('#envs tbody tr').count(), 1, 'the list is as it was');
  } finally {
    await page.close();
  }
});

test('a query past the search caps is cut, and the popup says so', async () => {
  const tab = await h.context.newPage();
  const popup = await h.openPopup(tab);
  try {
    await popup.waitFor(`document.querySelectorAll('#list li').length > 0`);
    const note = () => popup.evaluate(() => {
      const el = document.getElementById('query-note');
      return el.hidden ? null : el.textContent;
    });
    await popup.type('test');
    await popup.waitFor(`document.querySelector('#list .name')?.textContent === 'test'`);
    assert.equal(await note(), null);
    // Nine words: the ninth is left out, and the match still shows.
    await popup.type(' t t t t t t t t');
    await popup.waitFor(`!document.getElementById('query-note').hidden`);
    assert.equal(await note(), 'Only the first 8 words and 64 characters of the filter are used; no name is longer.');
    assert.equal(await popup.evaluate(() => document.querySelector('#list .name')?.textContent), 'test');
  } finally {
    await closeSoon(popup);
    await Promise.race([tab.close(), new Promise((r) => setTimeout(r, 1000))]);
  }
});
