// The popup's own copy of the list and its search, against the core: the rows the
// worker writes (PopupList.rows) as the popup reads them (extension/popup/rows.js), and
// the popup's small wasm (prepared index, loaded at once or a step at a time, or built
// from the rows) against the core's Searcher over the same list, query by query.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import '../../extension/popup/rows.js';
import { loadCore, loadPopupSearch } from './helpers.mjs';

const { readRow, decodeHighlights, ROW_SEPARATOR } = globalThis.RS.popupRows;

let core;
let popup;
before(async () => {
  core = await loadCore();
  popup = await loadPopupSearch();
});

const NAMES = ['payments', 'Ödön’s sandbox', 'teamOps', 'ÉTÉ data', 'billing', 'x', '日本 prod', 'a b c'];
/** A valid list with every field the popup shows or searches, in many shapes. */
function varied(n) {
  const inputs = Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`,
    displayName: `${NAMES[i % NAMES.length]}-${i}`,
    accountId: String(100000000000 + i * 7919),
    roleName: ['Admin', 'team/Admin', 'OrganizationAccountAccessRole', 'ReadOnly'][i % 4],
    color: ['red', 'green', '#123456'][i % 3],
    production: i % 5 === 1,
    ...(i % 3 === 0 ? { group: `OU-${i % 7}` } : {}),
    ...(i % 4 === 2 ? { region: 'eu-west-1' } : {}),
    ...(i % 6 === 1 ? { base: { accountId: '999988887777', alias: 'acme-mgmt', roleName: 'Admin' } } : {}),
  }));
  const checked = core.validateList(inputs);
  assert.equal(checked.ok, true, JSON.stringify(checked.errors));
  return checked.environments.map((e, i) => ({ ...e, id: `id-${i}` }));
}

const QUERIES = ['', 'p', 'pa', 'b', 'bil', 'billing-4', 'ö', 'odon', 'ete', '1000', '1000-0', '0000-79',
  'team', 'admin', 'ou-3', 'eu', 'west', 'acme', 'mgmt', 'prod', 'production', 'a b', '日本', 'x-5', 'zz', 'oaar',
  'B', 'BILL', '  bil  ', '-', '1'];

test('the popup reads every row as the list has it, with the account as the core formats it, from its search however it was made', () => {
  const envs = varied(60);
  const list = new core.PopupList(JSON.stringify(envs));
  const text = list.rows();
  const rows = text.split(ROW_SEPARATOR);
  assert.equal(rows.length, envs.length);
  const loaded = popup.PopupSearch.fromPrepared(list.searchIndex(), new Uint32Array(0));
  const built = new popup.PopupSearch(text, new Uint32Array(0));
  rows.forEach((row, i) => {
    const e = envs[i];
    assert.deepEqual(readRow(row), {
      id: e.id,
      displayName: e.displayName,
      accountId: e.accountId,
      account: core.formatAccountId(e.accountId),
      roleName: e.roleName,
      color: e.color,
      production: e.production,
    });
    // Rows beyond the first screen come from the popup's search: the same text.
    assert.equal(loaded.row(i), row, `prepared index, row ${i}`);
    assert.equal(built.row(i), row, `built from the rows, row ${i}`);
  });
  assert.equal(loaded.row(envs.length), undefined);
  loaded.free();
  built.free();
  assert.equal(new core.PopupList('[]').rows(), '');
});

test('the popup’s search finds, orders and marks what the core’s does, however its index was made', async () => {
  const envs = varied(300);
  const list = new core.PopupList(JSON.stringify(envs));
  const rows = list.rows();
  const prepared = list.searchIndex();
  assert.equal(typeof prepared, 'string');
  const ours = new core.Searcher(JSON.stringify(envs));
  const preferred = Uint32Array.from([7, 3, 250, 42]);

  const stepped = new popup.PopupSearchLoader(prepared, preferred);
  let steps = 0;
  while (!stepped.step(17)) steps += 1;
  assert.ok(steps >= 300 / 17 - 1, `${steps} steps`);
  // As the popup gets it from the list cache: the text's UTF-8 bytes.
  const fromBytes = popup.PopupSearchLoader.fromBytes(new TextEncoder().encode(prepared), preferred);
  while (!fromBytes.step(50));
  const searches = {
    prepared: popup.PopupSearch.fromPrepared(prepared, preferred),
    stepped: stepped.finish(),
    bytes: fromBytes.finish(),
    rows: new popup.PopupSearch(rows, preferred),
  };
  for (const [how, search] of Object.entries(searches)) {
    for (const query of QUERIES) {
      const want = [...ours.search(query, preferred)];
      assert.deepEqual([...search.search(query)], want, `${how}: ${JSON.stringify(query)}`);
      for (const i of want.slice(0, 20)) {
        assert.deepEqual(decodeHighlights(search.highlight(i, query)), ours.highlight(i, query), `${how}: ${JSON.stringify(query)} #${i}`);
      }
    }
  }
  // A star changes the preferred order: ties follow it.
  searches.prepared.setPreferred(Uint32Array.from([299]));
  assert.deepEqual([...searches.prepared.search('')].slice(0, 2), [299, 0]);
});

test('a prepared index that is cut short or of another version is refused, never misread', () => {
  const prepared = new core.PopupList(JSON.stringify(varied(20))).searchIndex();
  for (const bad of [prepared.slice(0, prepared.length / 2), prepared.replace('RSX4', 'RSX3'), '']) {
    assert.throws(() => popup.PopupSearch.fromPrepared(bad, new Uint32Array()), /could not be read/);
  }
  const bytes = new TextEncoder().encode(prepared);
  for (const bad of [bytes.slice(0, bytes.length / 2), Uint8Array.of(...bytes.slice(0, 8), 0xff, ...bytes.slice(8)), new Uint8Array()]) {
    assert.throws(() => {
      const loading = popup.PopupSearchLoader.fromBytes(bad, new Uint32Array());
      while (!loading.step(5));
      loading.finish();
    }, /could not be read/, 'bytes cut short, not UTF-8, or none');
  }
  const loader = new popup.PopupSearchLoader(prepared.slice(0, -3), new Uint32Array());
  assert.throws(() => {
    while (!loader.step(5));
    loader.finish();
  }, /could not be read/);
});
