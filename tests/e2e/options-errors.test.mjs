// Failures on the options page end as messages the user sees (extension/options/errors.js):
// a handler that fails says what did not happen and why; a stray rejection is caught at the
// page level. dist/chrome in headless Chromium; the worker's failure is injected by making the
// page's messaging reject, as it does when the worker cannot answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

let h;
let options;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await options.locator('#empty').waitFor();
  await options.click('#empty-example');
  await options.locator('#envs tbody tr').first().waitFor();
});

after(async () => {
  await h?.close();
});

const errors = () => options.locator('#page-errors .notice.error').allTextContents();

test('a download that fails says which one and why, and the page keeps working', async () => {
  await options.evaluate(() => {
    const real = chrome.runtime.sendMessage.bind(chrome.runtime);
    globalThis.__realSend = real;
    chrome.runtime.sendMessage = () => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.'));
  });
  try {
    await options.click('#export-buttons button[data-format="ownJson"]');
    await options.locator('#page-errors .notice.error').first().waitFor();
    const [message] = await errors();
    assert.match(message, /^Downloading .+ did not work: Could not establish connection\. Receiving end does not exist\. Your list is unchanged by it; try again, or reload this page\./);
    assert.equal(await options.getAttribute('#page-errors', 'role'), 'alert');
  } finally {
    await options.evaluate(() => {
      chrome.runtime.sendMessage = globalThis.__realSend;
    });
  }
  // Dismissed, then the same download works.
  await options.click('#page-errors .notice.error button');
  assert.deepEqual(await errors(), []);
  const download = options.waitForEvent('download');
  await options.click('#export-buttons button[data-format="ownJson"]');
  assert.match((await download).suggestedFilename(), /\.json$/);
  assert.deepEqual(await errors(), []);
});

test('a rejection nobody handled is shown, not only logged', async () => {
  await options.evaluate(() => {
    Promise.reject(new Error('stray failure'));
  });
  await options.locator('#page-errors .notice.error').first().waitFor();
  assert.match((await errors())[0], /^Something on this page failed: stray failure\. Reload the page to start again; your list is kept by the extension\./);
});
