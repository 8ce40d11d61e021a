// The popup at 5,000 environments (issue #6): virtualised list, ranked search with the best
// match preselected and highlighted, keyboard to the last row, favorites (star, pinned on top,
// kept across reopen, Alt+1), collapsible group headers, and the keyboard command to open it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, generatedEnvironments, closeSoon } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const N = 5000;
const ENVS = generatedEnvironments(N);

let h;
let blank;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  assert.equal(await h.seedList(ENVS), N);
  blank = await h.context.newPage();
});

after(async () => {
  await h?.close();
});


async function open(tab = blank) {
  const popup = await h.openPopup(tab);
  await popup.waitFor("performance.getEntriesByName('roleswitch:interactive').length > 0");
  return popup;
}

/**
 * What a user sees of the list: every drawn row, in order, with its position among the options.
 * A group's header is not an option: its group (role=group) says whether it is expanded, and
 * it is shown selected without being aria-selected. A row's star is a button of its own.
 */
const rows = (popup) => popup.evaluate(() => [...document.querySelectorAll('#list li')].map((li) => ({
  id: li.id,
  name: li.querySelector('.name')?.textContent ?? null,
  section: li.classList.contains('section') ? li.querySelector('.section-label').textContent : null,
  expanded: li.classList.contains('section') ? li.closest('[role=group]').getAttribute('aria-expanded') : null,
  selected: li.getAttribute('aria-selected') === 'true' || (li.classList.contains('section') && li.classList.contains('selected')),
  marked: [...li.querySelectorAll('.name mark')].map((m) => m.textContent).join(''),
  pos: Number(li.getAttribute('aria-posinset')),
  size: Number(li.getAttribute('aria-setsize')),
  starred: document.querySelector(`.star[data-row="${li.id}"]`)?.getAttribute('aria-pressed') === 'true',
})));
const selectedStar = () => document.querySelector(`.star[data-row="${document.querySelector('#list [aria-selected="true"]').id}"]`);
const selectedRow = async (popup) => (await rows(popup)).find((r) => r.selected);

test('5,000 environments: few rows in the DOM, groups shown, the filter focused', async () => {
  const popup = await open();
  const drawn = await rows(popup);
  assert.ok(drawn.length > 5 && drawn.length < 60, `${drawn.length} rows in the DOM`);
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'filter');
  assert.equal(drawn[0].section, 'OU-0', 'groups by name: OU-0 first');
  assert.equal(drawn[1].size, N, 'every environment is an option of the list (the 13 headers, 12 groups and "No group", are not)');
  assert.equal(await popup.evaluate(() => document.getElementById('list').offsetHeight), (N + 13) * 46,
    'the list is as tall as all its rows, headers included');
  assert.equal((await selectedRow(popup)).id, drawn[1].id, 'the first environment, not its header, is selected');
  assert.equal((await selectedRow(popup)).pos, 1, 'the first option');
  assert.equal(await popup.evaluate(() => document.getElementById('filter').getAttribute('aria-activedescendant')),
    (await selectedRow(popup)).id);
  await closeSoon(popup);
});

test('every font the first screen draws is one the page sets up before it (.font-warmup)', async () => {
  const popup = await open();
  const { drawn, warmed } = await popup.evaluate(() => {
    const fontOf = (el) => {
      const cs = getComputedStyle(el);
      return `${cs.fontSize} ${cs.fontWeight} ${cs.fontStyle} ${cs.fontFamily}`;
    };
    const fonts = (root, visible) => {
      const out = new Set();
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (!t.textContent.trim() || (visible && !t.parentElement.checkVisibility())) continue;
        out.add(fontOf(t.parentElement));
      }
      return [...out];
    };
    const sample = document.querySelector('.font-warmup');
    return { drawn: [...fonts(document.body, true), fontOf(document.getElementById('filter'))], warmed: fonts(sample, false) };
  });
  const missing = [...new Set(drawn)].filter((font) => !warmed.includes(font));
  assert.deepEqual(missing, [], `fonts of the first screen not in .font-warmup (set up only after it is drawn): ${missing.join('; ')}`);
  await closeSoon(popup);
});

test('typing filters and ranks: the best match is preselected and highlighted; arrows reach the last row', async () => {
  const popup = await open();
  await popup.type('billing-4244');
  await popup.waitFor(`document.querySelector('#list li[aria-selected="true"] .name')?.textContent === 'billing-4244'`);
  let best = await selectedRow(popup);
  assert.equal(best.pos, 1, 'first in the ranked list');
  assert.equal(best.marked, 'billing-4244', 'the matched characters are marked');
  assert.equal((await rows(popup)).some((r) => r.section), false, 'no group headers while filtering');

  for (let i = 0; i < 3; i++) await popup.press('Backspace'); // "billing-4"
  await popup.waitFor(`Number(document.querySelector('#list [role=option]')?.getAttribute('aria-setsize')) > 100`);
  const total = (await rows(popup))[0].size;
  assert.ok(total > 100, `${total} matches for billing-4`);
  assert.ok((await rows(popup)).length < 60);
  await popup.press('ArrowUp'); // wraps to the last match
  best = await selectedRow(popup);
  assert.equal(best.pos, total, 'ArrowUp from the first row reaches the last');
  const inView = await popup.evaluate(() => {
    const scroller = document.getElementById('scroller').getBoundingClientRect();
    const row = document.querySelector('#list li[aria-selected="true"]').getBoundingClientRect();
    return row.top >= scroller.top - 1 && row.bottom <= scroller.bottom + 1;
  });
  assert.equal(inView, true, 'the last row is scrolled into view');
  await popup.press('ArrowDown');
  assert.equal((await selectedRow(popup)).pos, 1, 'and ArrowDown wraps back to the first');
  await popup.press('PageDown');
  assert.equal((await selectedRow(popup)).pos, 9);
  await popup.press('Control+End');
  assert.equal((await selectedRow(popup)).pos, total);
  await popup.press('Control+Home');
  assert.equal((await selectedRow(popup)).pos, 1);
  assert.ok((await rows(popup)).length < 60, 'still virtualised after scrolling');
  await closeSoon(popup);
});

/** The list and its stars as drawn: tags, attributes (sorted) and text, in order. */
const drawing = (popup) => popup.evaluate(() => {
  const norm = (node) => (node.nodeType === Node.TEXT_NODE ? node.textContent
    : `<${node.tagName} ${[...node.attributes].map((a) => `${a.name}="${a.value}"`).sort().join(' ')}>${[...node.childNodes].map(norm).join('')}</>`);
  return `${norm(document.getElementById('list'))}\n${norm(document.getElementById('stars'))}`;
});

test('a row kept for the next key shows only its new environment (PROD, marks, stars as drawn afresh)', async () => {
  // Typed one way (a production match on top, then other queries): rows are kept and changed.
  const popup = await open();
  await popup.waitFor("performance.getEntriesByName('roleswitch:search-ready').length > 0");
  await popup.type('billing-9');
  await popup.waitFor(`document.querySelector('#list li[aria-selected="true"] .name')?.textContent === 'billing-9'`);
  assert.ok(await popup.evaluate(() => !!document.querySelector('#list li[aria-selected="true"] .badge-prod')), 'billing-9 is production');
  await popup.evaluate(() => { window.firstRow = document.querySelector('#list li'); });
  await popup.press('Backspace'); // "billing-": billing-2 first, billing-9 (PROD) second
  await popup.waitFor(`document.querySelector('#list li[aria-selected="true"] .name')?.textContent === 'billing-2'`);
  await popup.type('1');
  await popup.waitFor(`document.querySelector('#list li[aria-selected="true"] .name')?.textContent === 'billing-16'`);
  assert.equal(await popup.evaluate(() => document.querySelector('#list li') === window.firstRow), true,
    'the first row is the same element, showing another environment');
  const changed = await drawing(popup);
  await closeSoon(popup);

  // The same query typed into a new popup: every row drawn anew.
  const fresh = await open();
  await fresh.waitFor("performance.getEntriesByName('roleswitch:search-ready').length > 0");
  await fresh.type('billing-1');
  await fresh.waitFor(`document.querySelector('#list li[aria-selected="true"] .name')?.textContent === 'billing-16'`);
  assert.equal(changed, await drawing(fresh));
  await closeSoon(fresh);
});

test('a star pins to the top, survives reopening, and Alt+1 switches to the first favorite', async () => {
  let popup = await open();
  await popup.type('ledger-1405');
  await popup.waitFor(`document.querySelector('#list li[aria-selected="true"] .name')?.textContent === 'ledger-1405'`);
  await popup.evaluate(`(${selectedStar})().click()`);
  await popup.waitFor(`(${selectedStar})()?.getAttribute('aria-pressed') === 'true'`);
  assert.match(await popup.evaluate(() => document.querySelector('#list [aria-selected="true"]').textContent), /, starred$/,
    'the option says it is starred');
  for (let i = 0; i < 'ledger-1405'.length; i++) await popup.press('Backspace');
  await popup.waitFor(`document.querySelector('#list li.section .section-label')?.textContent === 'Favorites'`);
  let drawn = await rows(popup);
  assert.deepEqual(drawn.slice(0, 2).map((r) => r.section ?? r.name), ['Favorites', 'ledger-1405']);
  await closeSoon(popup);

  popup = await open();
  drawn = await rows(popup);
  assert.deepEqual(drawn.slice(0, 3).map((r) => r.section ?? r.name), ['Favorites', 'ledger-1405', 'OU-0'],
    'kept across reopening, above the groups');
  assert.equal(drawn[1].starred, true);
  // Ctrl+D stars the selected row: the second favorite, after the first.
  await popup.press('ArrowDown');
  await popup.press('ArrowDown');
  const second = (await selectedRow(popup)).name;
  await popup.press('Control+d');
  await popup.waitFor(`document.querySelectorAll('#stars .star[aria-pressed="true"]').length === 2`);
  drawn = await rows(popup);
  assert.deepEqual(drawn.slice(0, 3).map((r) => r.section ?? r.name), ['Favorites', 'ledger-1405', second]);
  // Among equal matches the search puts favorites first: every ReadOnly entry matches
  // "readonly" alike (the first of them in list order is search-1).
  await popup.waitFor("performance.getEntriesByName('roleswitch:search-ready').length > 0");
  await popup.type('readonly');
  await popup.waitFor(`document.querySelector('#list li[aria-selected="true"] .role mark')?.textContent === 'ReadOnly'`);
  assert.equal((await selectedRow(popup)).name, 'ledger-1405', 'the starred ReadOnly entry is the best match');
  await closeSoon(popup);

  h.aws.reset();
  const tab = await h.openConsole({ variant: 'header2021' });
  popup = await open(tab);
  await popup.press('Alt+1');
  const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
  assert.equal(post.form.account, ENVS[1405].accountId);
  assert.equal(post.form.displayName, 'ledger-1405');
  await closeSoon(popup);
  await Promise.race([tab.close(), new Promise((r) => setTimeout(r, 1000))]);
});

test('group headers collapse and expand (click, ←/→, Enter) and stay as left', async () => {
  let popup = await open();
  const header = async (label) => (await rows(popup)).find((r) => r.section === label);
  const ou0 = await header('OU-0');
  assert.equal(ou0.expanded, 'true');
  await popup.evaluate((id) => document.getElementById(id).click(), ou0.id);
  await popup.waitFor(`document.getElementById(${JSON.stringify(ou0.id)}).closest('[role=group]').getAttribute('aria-expanded') === 'false'`);
  const drawn = await rows(popup);
  const at = drawn.findIndex((r) => r.section === 'OU-0');
  assert.equal(drawn[at + 1].section, 'OU-1', 'OU-0 collapsed: the next row is the next header');
  const size = drawn.find((r) => !r.section).size;

  // Keyboard: ArrowRight on a collapsed header opens it, ArrowLeft on a member folds it.
  await popup.evaluate((id) => document.getElementById(id).dispatchEvent(new MouseEvent('mousemove')), ou0.id);
  // A header is no option: nothing to point at, so it is announced (name, count, state, keys).
  const told = await popup.evaluate((id) => ({
    active: document.getElementById('filter').getAttribute('aria-activedescendant'),
    said: document.getElementById('announce').textContent,
    count: document.getElementById(id).querySelector('.count').firstChild.textContent,
  }), ou0.id);
  assert.deepEqual(told, { ...told, active: null, said: `OU-0, ${told.count} environments, collapsed. Enter or → expands the group.` });
  assert.ok(Number(told.count) > 300, `${told.count} environments in OU-0`);
  await popup.press('ArrowRight');
  await popup.waitFor(`document.getElementById(${JSON.stringify(ou0.id)}).closest('[role=group]').getAttribute('aria-expanded') === 'true'`);
  assert.ok((await rows(popup)).find((r) => !r.section).size > size);
  await popup.press('ArrowDown');
  assert.equal(await popup.evaluate(() => document.getElementById('filter').getAttribute('aria-activedescendant')),
    (await selectedRow(popup)).id, 'an option selected: the filter points at it');
  assert.equal(await popup.evaluate(() => document.getElementById('announce').textContent), '');
  await popup.press('ArrowLeft');
  await popup.waitFor(`document.querySelector('#list [aria-expanded="false"] .section-label')?.textContent === 'OU-0'`);
  assert.equal((await selectedRow(popup)).section, 'OU-0', 'folding from a member selects its header');
  await closeSoon(popup);

  const stored = await (await h.worker()).evaluate(async () => (await chrome.storage.local.get('popupCollapsed')).popupCollapsed);
  assert.deepEqual(stored, ['group:ou-0'], 'kept by the worker in storage.local');
  popup = await open();
  assert.equal((await header('OU-0')).expanded, 'false', 'the collapsed state is remembered');
  const id = (await header('OU-0')).id;
  await popup.evaluate((i) => document.getElementById(i).dispatchEvent(new MouseEvent('mousemove')), id);
  await popup.press('Enter');
  await popup.waitFor(`document.getElementById(${JSON.stringify(id)})?.closest('[role=group]').getAttribute('aria-expanded') === 'true'`);
  await closeSoon(popup);
});

test('groups an older version folded (in the popup’s localStorage) are taken over once, and stay folded', async () => {
  const worker = await h.worker();
  const storedFolds = async () => worker.evaluate(async () => (await chrome.storage.local.get('popupCollapsed')).popupCollapsed);
  // What an older version left: its item in the popup's localStorage, nothing in storage.local.
  let popup = await open();
  await popup.evaluate(() => localStorage.setItem('roleswitch.collapsedSections', JSON.stringify(['group:ou-0', 7])));
  await closeSoon(popup);
  await worker.evaluate(() => chrome.storage.local.remove('popupCollapsed'));
  const folded = (label) => `[...document.querySelectorAll('#list [role=group]')].some((g) => g.getAttribute('aria-expanded') === 'false'
    && g.querySelector('.section-label').textContent === ${JSON.stringify(label)})`;
  popup = await open();
  await popup.waitFor(folded('OU-0'));
  await popup.waitFor("performance.getEntriesByName('roleswitch:loaded').length > 0");
  await closeSoon(popup);
  for (let i = 0; i < 50 && !(await storedFolds()); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await storedFolds(), ['group:ou-0'], 'stored (what was not a key left out)');
  popup = await open();
  assert.equal(await popup.evaluate(folded('OU-0')), true, 'folded on the first screen, from storage.local');
  assert.equal(await popup.evaluate(() => localStorage.getItem('roleswitch.collapsedSections')), null, 'the old item is gone');
  const refused = await popup.evaluate(() => globalThis.RS.protocol.send('popup-bg-set-collapsed', { keys: ['group:ou-0', 7] })
    .then(() => 'stored', (err) => err.message));
  assert.match(refused, /Folded groups: expected at most 1000 group keys of at most 1000 characters/);
  assert.deepEqual(await storedFolds(), ['group:ou-0'], 'a refused write changes nothing');
  await closeSoon(popup);
  await worker.evaluate(() => chrome.storage.local.set({ popupCollapsed: [] }));
});

test('a keyboard command opens the popup', () => {
  const manifest = JSON.parse(readFileSync(`${root}/dist/chrome/manifest.json`, 'utf8'));
  assert.deepEqual(manifest.commands?._execute_action, {
    suggested_key: { default: 'Alt+Shift+A' },
    description: 'Open the environment list',
  });
});
