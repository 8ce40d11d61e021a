// extension/shared/hosts.js repeats the core's host rule (src/aws.rs host_kind) because the
// popup needs it before any wasm has loaded and content scripts cannot load wasm at all. This
// pins the copy to the core: the same answer for every host below, tricky ones included.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import '../../extension/shared/hosts.js';
import { loadCore } from './helpers.mjs';

const { isAwsUrl, isConsoleUrl, CONSOLE_HOST, SIGNIN_HOST } = globalThis.RS.hosts;
let core;
before(async () => {
  core = await loadCore();
});

const partitions = ['aws.amazon.com', 'amazonaws-us-gov.com', 'amazonaws.cn'];
const hosts = [
  ...partitions.flatMap((d) => [
    `console.${d}`, `eu-west-1.console.${d}`, `111122223333-abcd1234.us-east-1.console.${d}`,
    `signin.${d}`, `xconsole.${d}`, `console.${d}.evil.example`, `a_b.console.${d}`, `a..console.${d}`,
    `.console.${d}`, `eu-west-1.signin.${d}`, `signin.${d}.evil.example`, `xsignin.${d}`, d,
    `phd.console.${d}`, `-.console.${d}`, `console.${d}.`,
  ]),
  'console.aws.amazon.co', 'console-aws.amazon.com', 'signin.aws.amazon.com.cn', 'example.com', 'localhost',
  'console.aws.amazon.com:443', '111122223333.signin.aws.amazon.com',
];

test('the popup and content scripts classify hosts as the core does', () => {
  for (const host of hosts) {
    const want = core.hostKind(host) ?? null;
    const got = CONSOLE_HOST.test(host) ? 'console' : SIGNIN_HOST.test(host) ? 'signin' : null;
    assert.equal(got, want, host);
  }
});

test('URLs: https only, and the hostname as the URL parser gives it (lower case)', () => {
  for (const host of hosts) {
    let parsed;
    try {
      parsed = new URL(`https://${host}/console/home`);
    } catch {
      continue; // not a host a page can have
    }
    const want = core.hostKind(parsed.hostname) ?? null;
    assert.equal(isConsoleUrl(parsed.href), want === 'console', parsed.href);
    assert.equal(isAwsUrl(parsed.href), want !== null, parsed.href);
  }
  assert.equal(isAwsUrl('http://console.aws.amazon.com/'), false, 'not https');
  assert.equal(isConsoleUrl('https://EU-WEST-1.CONSOLE.AWS.AMAZON.COM/'), true, 'the parser lowers the case');
  assert.equal(isAwsUrl('not a url'), false);
});

test("the popup's freshness check reads the list's meta item by the core's key", async () => {
  await import('../../extension/shared/popup-cache.js');
  const { SOURCES } = globalThis.RS.popupCache;
  assert.equal(core.isListKey(SOURCES.local[0]), true, `${SOURCES.local[0]} is the list's meta item`);
  assert.equal(core.isListKey(`${SOURCES.local[0]}.0`), true);
  for (const key of [...SOURCES.local.slice(1), ...SOURCES.sync]) assert.equal(core.isListKey(key), false, key);
});
