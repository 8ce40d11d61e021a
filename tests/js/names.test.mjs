// Names that cannot lie: every format character Unicode knows (category Cf, as
// this Node's ICU says) is refused by the core in display names, groups and
// title prefixes, named by its code point; nothing visible is.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from './helpers.mjs';

let core;
before(async () => {
  core = await loadCore();
});

const hex = (cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

test('every Unicode format character (Cf) is refused, with its code point and position', () => {
  const cf = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (/\p{Cf}/u.test(String.fromCodePoint(cp))) cf.push(cp);
  }
  assert.ok(cf.length > 150, `${cf.length} format characters`);
  for (const cp of cf) {
    const c = String.fromCodePoint(cp);
    for (const field of ['displayName', 'group', 'titlePrefix']) {
      const input = { accountId: '111122223333', displayName: 'prod', [field]: `prod${c}` };
      const checked = core.validateEnvironment(input, 'x');
      assert.equal(checked.ok, false, `${hex(cp)} in ${field}`);
      assert.equal(checked.errors.length, 1, `${hex(cp)} in ${field}`);
      assert.match(checked.errors[0].message, new RegExp(`invisible character ${hex(cp).replace('+', '\\+')} \\([A-Z -]+\\) at position 5: remove it`),
        `${hex(cp)} in ${field}`);
      assert.ok(!checked.errors[0].message.includes(c), 'the message does not carry the character');
    }
  }
});

test('visible characters, including right-to-left letters and emoji, are kept', () => {
  for (const name of ['prod', 'פרודקשן', 'إنتاج', '生产', 'prod 🚀', 'Prüfung', 'café\u0301']) {
    const checked = core.validateEnvironment({ accountId: '111122223333', displayName: name, group: name }, 'x');
    assert.equal(checked.ok, true, JSON.stringify(checked.errors));
    assert.equal(checked.environment.displayName, name);
  }
});
