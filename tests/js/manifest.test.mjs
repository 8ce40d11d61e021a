import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BROWSERS, cargoVersion, manifestFor, root } from '../../tools/build.mjs';

const read = (p) => JSON.parse(readFileSync(`${root}/${p}`, 'utf8'));

for (const browser of BROWSERS) {
  test(`dist/${browser}/manifest.json is the expected manifest`, () => {
    const expected = { ...read(`tests/expected/manifest.${browser}.json`), version: cargoVersion() };
    assert.deepEqual(read(`dist/${browser}/manifest.json`), expected);
  });

  // `alarms` (no install warning) retries a sync write that was refused for the moment;
  // `clipboardWrite` (write only, never read) lets the copy-link command write its link
  // from the console tab without a user gesture.
  test(`${browser} asks for storage, alarms, clipboard writes and the AWS hosts, nothing broader`, () => {
    const m = read(`dist/${browser}/manifest.json`);
    assert.deepEqual(m.permissions, ['storage', 'alarms', 'clipboardWrite']);
    for (const host of m.host_permissions) {
      assert.match(host, /^https:\/\/(\*\.)?(console\.aws\.amazon\.com|console\.amazonaws-us-gov\.com|console\.amazonaws\.cn|signin\.aws\.amazon\.com|signin\.amazonaws-us-gov\.com|signin\.amazonaws\.cn)\/\*$/);
    }
    assert.equal(JSON.stringify(m).includes('__'), false, 'no browser prefix is left');
  });

  // Team lists: the one origin of a list is asked for when the user subscribes; no broad
  // host access is ever held (optional only). Chrome reads policy through the schema;
  // Firefox reads policies.json's 3rdparty section and has no manifest key for it.
  test(`${browser} may ask for an https origin for a team list, and holds none`, () => {
    const m = read(`dist/${browser}/manifest.json`);
    assert.deepEqual(m.optional_host_permissions, ['https://*/*']);
    assert.equal(m.host_permissions.includes('https://*/*'), false);
    if (browser === 'chrome') {
      assert.equal(m.storage.managed_schema, 'managed_schema.json');
      assert.equal(read(`dist/chrome/${m.storage.managed_schema}`).type, 'object', 'the schema is shipped');
    } else assert.equal(m.storage, undefined);
  });
}

test('version comes from Cargo.toml', () => {
  assert.equal(cargoVersion('[package]\nname = "x"\nversion = "1.2.3"\n[dependencies]\nversion = "9"\n'), '1.2.3');
  assert.throws(() => cargoVersion('[dependencies]\nserde = "1"\n'), /no version/);
});

test('browser-prefixed keys are unwrapped for their browser only, at any depth', () => {
  const source = { a: 1, __chrome__b: 2, __firefox__b: 3, nested: { __firefox__c: [{ __chrome__d: 4, e: 5 }] } };
  assert.deepEqual(manifestFor(source, 'chrome', '1'), { a: 1, b: 2, nested: {}, version: '1' });
  assert.deepEqual(manifestFor(source, 'firefox', '1'), { a: 1, b: 3, nested: { c: [{ e: 5 }] }, version: '1' });
  assert.throws(() => manifestFor({ __safari__x: 1 }, 'chrome', '1'), /unknown browser prefix in __safari__x/);
});
