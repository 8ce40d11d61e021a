// extension/content/csrf-main.js runs in the console page's own world (no extension API, no
// wasm) and hands over the page's CSRF token only when it looks like one. The core decides
// again whether a token is usable (src/console/switch.rs). This pins the page-side filter to
// the core's: a token the page script passes on is one the core plans the in-console switch
// with, and one it withholds is one the core would not use either.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { loadCore } from './helpers.mjs';

const script = readFileSync(new URL('../../extension/content/csrf-main.js', import.meta.url), 'utf8');
let core;
before(async () => {
  core = await loadCore();
});

/** What csrf-main.js answers on a page whose console exposes `value`. */
function pageScriptAnswer(value) {
  const listeners = new Map();
  const document = {
    addEventListener: (type, fn) => listeners.set(type, fn),
    dispatchEvent: (event) => listeners.get(event.type)?.(event),
  };
  let answer;
  listeners.set('roleswitch:csrf-reply', (event) => { answer = event.detail; });
  const window = { AWSC: { Auth: { getMbtc: () => value } } };
  vm.runInNewContext(script, { document, window, CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init?.detail; } } });
  document.dispatchEvent({ type: 'roleswitch:csrf-request' });
  return answer;
}

const env = { id: 'test', accountId: '111122223333', roleName: 'OrganizationAccountAccessRole', displayName: 'test', color: '#b7ca9d' };
const page = (csrf) => ({
  url: 'https://us-east-1.console.aws.amazon.com/console/home',
  signals: {
    host: 'us-east-1.console.aws.amazon.com',
    sessionData: JSON.stringify({ accountId: '999988887777', sessionARN: 'arn:aws:sts::999988887777:assumed-role/Admin/alice', signInEndpoint: 'https://signin.aws.amazon.com' }),
  },
  csrf,
});

test("the page script passes on a token exactly when the core would switch with it", () => {
  const tokens = [
    'abc', 'tok-123', 'a'.repeat(1024), 'a'.repeat(1025), 'A+b/c=d_e.f:g~h-i', '', 'with space', 'quote"', 'new\nline',
    '<script>', 'ünïcode', 'abc\u200b', 'semi;colon', 'x'.repeat(10) + '%', '0123456789abcdef',
  ];
  for (const token of tokens) {
    const passed = pageScriptAnswer(token);
    const passes = passed !== '' && passed === token; // '' is the page script's "no token"
    const plan = core.planConsoleSwitch([env], 'test', page(token));
    const coreUses = plan.kind === 'form' && plan.fields.csrf === token;
    assert.equal(passes, coreUses, `${JSON.stringify(token)}: page script ${passes ? 'passes it' : 'withholds it'}, core ${coreUses ? 'uses it' : 'does not'}`);
    if (!passes) assert.equal(passed, '', 'withheld means an empty answer');
  }
});

test('anything but a string is withheld', () => {
  for (const value of [undefined, null, 42, { toString: () => 'abc' }, ['abc']]) assert.equal(pageScriptAnswer(value), '');
  assert.equal(pageScriptAnswer(() => { throw new Error('x'); }), '');
});
