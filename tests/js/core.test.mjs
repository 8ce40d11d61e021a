// The core loader (extension/shared/core.js) over the real wasm: a trap poisons an instance
// for good, so the loader starts a fresh one and the caller does not notice (issue #10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environments, loadCoreHost } from './helpers.mjs';
import { isTrap } from '../../extension/shared/core.js';
import { ListStore } from '../../extension/background/store.js';
import { fakeApi } from './helpers.mjs';

/** What a trap leaves behind, made on purpose: the instance's memory (heap, stack, data) overwritten. */
function poison(host) {
  new Uint8Array(host.exports.memory.buffer).fill(0xff);
}

test('a poisoned instance fails every call, even version()', async () => {
  const host = await loadCoreHost();
  const glue = host.glue; // the raw glue, below the loader
  poison(host);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => glue.version(), (err) => err instanceof WebAssembly.RuntimeError);
  }
});

test('after a trap the next call runs on a fresh instance and succeeds', async () => {
  const host = await loadCoreHost();
  const { core } = host;
  const list = environments(core, 3);
  const before = core.planSwitch(list, 'env-1');
  poison(host);
  const first = host.exports;
  // The call that meets the trap is tried again on a fresh instance: the caller sees its result.
  assert.equal(core.version(), '0.1.0');
  assert.equal(host.restarts, 1);
  assert.notEqual(host.exports, first);
  assert.ok(host.lastTrap instanceof WebAssembly.RuntimeError, String(host.lastTrap));
  assert.deepEqual(core.planSwitch(list, 'env-1'), before);
  assert.deepEqual(core.readSettings(null).repairs, []);
  assert.equal(host.restarts, 1, 'one restart is enough');
});

test('objects the core made before the trap keep working', async () => {
  const host = await loadCoreHost();
  const { core } = host;
  const list = environments(core, 50);
  const searcher = new core.Searcher(list);
  const popupList = new core.PopupList(JSON.stringify(list));
  const found = searcher.search('env-4', []);
  const view = popupList.view(null, [], [], { confirmProduction: true, reachableOnly: false });
  poison(host);
  assert.deepEqual(searcher.search('env-4', []), found);
  assert.deepEqual(searcher.highlight(found[0], 'env-4'), searcher.highlight(found[0], 'env-4'));
  assert.deepEqual(popupList.view(null, [], [], { confirmProduction: true, reachableOnly: false }), view);
  assert.equal(host.restarts, 1);
  searcher.free();
  assert.throws(() => searcher.search('x', []), /This Searcher was freed/);
});

test('a call that traps on every instance fails with a clear message, and the core still works', async () => {
  const host = await loadCoreHost();
  assert.throws(
    () => host.call((glue) => {
      poison(host);
      return glue.version();
    }),
    /The Roleswitch core failed on this input \(memory access out of bounds\) and was restarted; nothing was changed\./,
  );
  assert.equal(host.restarts, 2);
  assert.equal(host.core.version(), '0.1.0');
});

test("the core's own errors pass through and restart nothing", async () => {
  const host = await loadCoreHost();
  assert.throws(() => host.core.planSwitch([], 'missing'), { message: 'There is no environment with id "missing".' });
  let deep = 1;
  for (let i = 0; i < 5000; i++) deep = [deep];
  assert.throws(() => host.core.readSettings(deep), /nested more than 64 levels deep/);
  assert.equal(host.restarts, 0);
  assert.equal(isTrap(new Error('x')), false);
  assert.equal(isTrap(new WebAssembly.RuntimeError('unreachable')), true);
  assert.equal(isTrap(new RangeError('Maximum call stack size exceeded')), true);
});

test('a list read by a static method works through the loader, and after a trap the store reads it again', async () => {
  const host = await loadCoreHost();
  const { core } = host;
  // StoredList.read is static; merge takes another StoredList; storedChecksum is a getter.
  const a = core.StoredList.read({});
  const b = core.StoredList.read({});
  a.apply([], environments(core, 2, 'a'), 'browser-a', 1);
  b.apply([], environments(core, 3, 'b').slice(2), 'browser-b', 1);
  assert.deepEqual(a.merge(b), []);
  assert.equal(a.view().environments.length, 3);
  assert.equal(a.storedChecksum, '');

  const api = fakeApi();
  const store = new ListStore(api, core);
  const list = environments(core, 3);
  await store.save(list);
  poison(host);
  assert.equal(core.version(), '0.1.0', 'the call that meets the trap runs on a fresh instance');
  // Lists made before lived in the trapped instance: the store reads its list again from storage.
  assert.throws(() => a.view(), /lost when the core restarted/);
  const more = environments(core, 4).slice(3);
  await store.update(({ environments: current }) => ({ environments: [...current, ...more] }));
  assert.deepEqual((await store.load()).environments, [...list, ...more]);
  assert.equal(host.restarts, 1);
});
