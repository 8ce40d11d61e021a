// What the worker compares with what it read from chrome.storage (extension/background/stored.js),
// and that the banner lookup is not written again when nothing changed (in Chromium, which
// gives stored objects back with sorted properties, it was written again at every rebuild:
// the whole lookup serialized and stored at every worker start; Chromium tells no listener
// of an unchanged value, so in a browser only the write itself shows).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sameStored } from '../../extension/background/stored.js';
import { Cues } from '../../extension/background/cues.js';
import { SettingsStore } from '../../extension/background/settings.js';
import { fakeApi, loadCore, environments } from './helpers.mjs';

let core;
before(async () => {
  core = await loadCore();
});

test('sameStored: the same value whatever the order of its properties; any other difference counts', () => {
  const value = { b: 1, a: [{ y: 'x', x: null }, 2, 'three'], c: { e: true, d: { g: [], f: {} } } };
  const reordered = { c: { d: { f: {}, g: [] }, e: true }, a: [{ x: null, y: 'x' }, 2, 'three'], b: 1 };
  // (a, b, the same once stored)
  const cases = [
    [value, reordered, true],
    [value, structuredClone(value), true],
    [{ a: 1, gone: undefined }, { a: 1 }, true],
    [[undefined, 1], [null, 1], true],
    [null, null, true],
    [undefined, undefined, true],
    [value, { ...reordered, b: 2 }, false],
    [value, { ...reordered, extra: 0 }, false],
    [{ a: 1 }, { b: 1 }, false],
    [{ a: null }, { a: undefined }, false],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: [1] }, { a: [1, 1] }, false],
    [{ a: {} }, { a: [] }, false],
    [{ a: '1' }, { a: 1 }, false],
    [{ a: 0 }, { a: false }, false],
    [undefined, {}, false],
    [null, {}, false],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(sameStored(a, b), want, `${JSON.stringify(a)} / ${JSON.stringify(b)}`);
    assert.equal(sameStored(b, a), want, 'symmetric');
  }
});

test('the banner lookup is written when it changes, not at every rebuild', async () => {
  const api = fakeApi();
  let list = environments(core, 50);
  const store = { load: async () => ({ environments: list }), touches: () => false };
  const cues = new Cues(api, core, store, new SettingsStore(api, core));
  await cues.rebuild();
  const written = api.storage.local.writes;
  assert.ok(written > 0, 'the first lookup is stored');
  await cues.rebuild();
  await cues.rebuild();
  assert.equal(api.storage.local.writes, written, 'read back in Chromium’s order, the same lookup is not written again');
  list = environments(core, 51);
  await cues.rebuild();
  assert.equal(api.storage.local.writes, written + 1, 'a new entry: a new lookup');
});
