// Two options windows editing one list: nothing is lost, and an edit made from
// a stale copy asks before overwriting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let h;
let a;
let b;

async function optionsPage() {
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.locator('#envs tbody tr, #empty').first().waitFor();
  return page;
}

async function add(page, accountId, displayName) {
  await page.click('#add');
  await page.fill('#accountId', accountId);
  await page.fill('#displayName', displayName);
  await page.click('#save');
  await page.locator(`#envs tbody tr:has-text("${displayName}")`).waitFor();
}

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  a = await optionsPage();
  b = await optionsPage();
});

after(async () => {
  await h?.close();
});

test('entries added in two windows both land, and each window shows both', async () => {
  await add(a, '111111111111', 'from-a');
  await add(b, '222222222222', 'from-b');
  for (const page of [a, b]) {
    await page.locator('#envs tbody tr:has-text("from-a")').waitFor();
    await page.locator('#envs tbody tr:has-text("from-b")').waitFor();
  }
});

test('saving an entry that another window changed meanwhile asks first', async () => {
  await a.click('button[aria-label="Edit from-b"]');
  await a.fill('#color', 'red');
  await b.click('button[aria-label="Edit from-b"]');
  await b.fill('#displayName', 'renamed-in-b');
  await b.click('#save');
  await b.locator('#envs tbody tr:has-text("renamed-in-b")').waitFor();

  await a.click('#save');
  await a.locator('#conflict-keep').waitFor();
  assert.match(await a.textContent('#error-form'), /“renamed-in-b” was changed in another window/);
  assert.equal(await a.isVisible('#editor'), true, 'the edit is not lost');
  // Look at the other version first, then keep it with this window's color on top.
  await a.click('#conflict-other');
  assert.equal(await a.inputValue('#displayName'), 'renamed-in-b');
  await a.fill('#color', 'red');
  await a.click('#save');
  await a.locator('#editor').waitFor({ state: 'hidden' });
  const row = await a.locator('#envs tbody tr:has-text("renamed-in-b")').getAttribute('data-id');
  assert.ok(row);
  assert.equal(await a.locator('#envs tbody tr').count(), 2);
});

test('saving an entry that another window deleted offers to save it again', async () => {
  await a.click('button[aria-label="Edit from-a"]');
  await a.fill('#displayName', 'from-a-edited');
  await b.click('button[aria-label="Delete from-a"]');
  await b.locator('#envs tbody tr:has-text("from-a")').waitFor({ state: 'detached' });
  await a.click('#save');
  await a.locator('#conflict-keep').waitFor();
  assert.match(await a.textContent('#error-form'), /deleted in another window/);
  await a.click('#conflict-keep');
  await a.locator('#envs tbody tr:has-text("from-a-edited")').waitFor();
  await b.locator('#envs tbody tr:has-text("from-a-edited")').waitFor();
});
