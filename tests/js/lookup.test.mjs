// The page-side extraction (extension/shared/lookup.js) against the core's
// identify() on the fixture console pages, and the lookup's two key lookups
// against the core's matching.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import '../../extension/shared/lookup.js';
import { CONSOLE_VARIANTS, renderConsole } from '../fixtures/aws/fixtures.mjs';
import { readFileSync } from 'node:fs';
import { loadCore } from './helpers.mjs';

const { pageIdentity, lookupEntry, accountInText } = globalThis.RS.lookup;
let core;
before(async () => {
  core = await loadCore();
});

const unescape = (s) => s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<')
  .replaceAll('&gt;', '>').replaceAll('&amp;', '&');
const pick = (html, re) => { const m = re.exec(html); return m ? unescape(m[1]).trim() : null; };

/** Text and aria-label of the first element whose opening tag has `attr` (as textContent and getAttribute give them). */
function elementTexts(html, attr) {
  const open = new RegExp(`<(\\w+)\\b[^>]*\\s${attr}[^>]*>`).exec(html);
  if (!open) return [];
  const rest = html.slice(open.index + open[0].length);
  const inner = rest.slice(0, rest.indexOf(`</${open[1]}>`));
  const texts = [unescape(inner.replace(/<[^>]*>/g, '')).trim()];
  const label = /\saria-label="([^"]*)"/.exec(open[0]);
  if (label) texts.push(unescape(label[1]).trim());
  return texts.filter(Boolean);
}
const attrOf = (selector) => (selector.startsWith('#') ? `id="${selector.slice(1)}"` : selector.slice(1, -1));
const textsOf = (html, selectors) => selectors.flatMap((s) => elementTexts(html, attrOf(s)));

/** The raw signals a content script reads from a rendered fixture page (shared/lookup.js readNav, roughly). */
function signalsOf(html, host) {
  return {
    host,
    sessionData: pick(html, /<meta name="awsc-session-data" content="([^"]*)"/),
    navAccount: textsOf(html, ['[data-testid="awsc-copy-accountid"]', '#awsc-role-display-name-account',
      '[data-testid="awsc-nav-account-menu-button"]', '#nav-usernameMenu']),
    navRole: textsOf(html, ['#awsc-role-display-name-user', '[data-testid="awsc-copy-username"]',
      '[data-testid="awsc-nav-account-menu-button"]', '#nav-usernameMenu']),
  };
}

const IDENTITIES = [
  { accountId: '111122223333', roleName: 'OrganizationAccountAccessRole', sessionName: 'alice', alias: 'acme' },
  { accountId: '444455556666', roleName: 'AWSReservedSSO_Admin_0123abcd', sessionName: 'bob@example.com' },
  { accountId: '999988887777', roleName: 'team-Dev', sessionName: 'c' },
  // Identity Center sessions: the permission set (with underscores; the prefix in any case) is shown.
  { accountId: '777788889999', roleName: 'AWSReservedSSO_Admin_Access_0123456789abcdef', sessionName: 'dana@example.com' },
  { accountId: '777788889999', roleName: 'awsreservedsso_ReadOnly_0123456789ABCDEF', sessionName: 'erin' },
];
const HOSTS = [
  'us-east-1.console.aws.amazon.com',
  'console.aws.amazon.com',
  '123412341234-abcd1234.eu-west-1.console.aws.amazon.com',
  'us-gov-west-1.console.amazonaws-us-gov.com',
  'cn-north-1.console.amazonaws.cn',
];

/** The core's identify() as the page's extraction reports it. */
const asCore = (want) => ({
  accountId: want.accountId ?? null, roleName: want.roleName ?? null, identityCenter: want.identityCenter ?? false,
  sessionless: want.sessionless ?? false,
});

test('the page extraction agrees with the core on every fixture console page', () => {
  let n = 0;
  for (const variant of CONSOLE_VARIANTS) {
    for (const identity of IDENTITIES) {
      for (const host of HOSTS) {
        const { html } = renderConsole(variant, identity, { host, csrf: 'x' });
        const signals = signalsOf(html, host);
        const want = core.identify(signals);
        const got = pageIdentity(signals);
        assert.deepEqual(got, asCore(want), `${variant} on ${host}`);
        // Before <head> is parsed only the host is known; the core agrees there too.
        const early = pageIdentity({ host });
        assert.equal(early.accountId, core.identify({ host }).accountId ?? null, host);
        n += 1;
      }
    }
  }
  assert.ok(n >= 80, `${n} pages`);
});

test('the page extraction agrees with the core on odd and hostile signals', () => {
  const cases = [
    {},
    { sessionData: '{not json' },
    { sessionData: '[1,2]' },
    { sessionData: '{"accountId":"1111-2222-3333"}' },
    { sessionData: '{"accountId":"1111 2222 3333 "}' },
    { sessionData: '{"accountId":12}' },
    { sessionData: '{"sessionARN":"arn:aws:sts::111122223333:assumed-role/R/s"}' },
    { sessionData: '{"sessionARN":"arn:aws:sts::1111-2222-3333:assumed-role/R/s"}' },
    { sessionData: '{"sessionARN":"arn:aws:iam::111122223333:user/alice"}' },
    { sessionData: '{"sessionARN":"arn:aws:sts::111122223333:assumed-role//s"}' },
    { sessionData: '{"accountId":"111122223333","sessionARN":"arn:aws:sts::444455556666:assumed-role/R/s"}' },
    { host: '111122223333-.us-east-1.console.aws.amazon.com' },
    { host: '11112222333-abc.console.aws.amazon.com' },
    { host: '111122223333-abc' },
    { navAccount: 'Admin/alice @ 1111-2222-3333', navRole: 'Admin/alice' },
    { navAccount: '1111--2222 3333' },
    { navAccount: '1111222233334' },
    { navAccount: 'x 12 1111-2222-3333' },
    { navAccount: '1111-2222-333' },
    { navRole: ' Admin/alice ' , navAccount: '111122223333' },
    { navRole: 'Some User/x', navAccount: '111122223333' },
    { navRole: '/x', navAccount: '111122223333' },
  ];
  for (const signals of cases) {
    const want = core.identify(signals);
    assert.deepEqual(pageIdentity(signals), asCore(want), JSON.stringify(signals));
  }
  assert.equal(accountInText('1111-2222-3333'), '111122223333');
});

test('the shared identity cases: the page and the core try every navigation text until one gives an account', () => {
  const cases = JSON.parse(readFileSync(new URL('../fixtures/aws/identity-cases.json', import.meta.url), 'utf8'));
  assert.ok(cases.length >= 10);
  for (const { name, signals, accountId, roleName, identityCenter = false, sessionless = false } of cases) {
    const want = { accountId, roleName, identityCenter, sessionless };
    assert.deepEqual(asCore(core.identify(signals)), want, `core: ${name}`);
    assert.deepEqual(pageIdentity(signals), want, `page: ${name}`);
  }
});

test('two key lookups give the core’s banner', () => {
  const list = [
    ...core.exampleEnvironments(),
    core.validateEnvironment({ accountId: '111122223333', roleName: 'team/Admin', displayName: 'admin' }, 'admin').environment,
  ];
  const lookup = core.bannerLookup(list, null);
  const cases = [
    ['111122223333', 'OrganizationAccountAccessRole', 'example-test', true],
    ['111122223333', 'ADMIN', 'admin', true],
    ['111122223333', 'Other', 'example-test', false],
    ['111122223333', null, 'example-test', false],
    ['444455556666', null, 'example-prod', false],
    ['000011112222', 'Admin', null, null],
    ['111122223333', '__proto__', 'example-test', false],
    ['111122223333', 'constructor', 'example-test', false],
    ['__proto__', null, null, null],
    [null, null, null, null],
  ];
  for (const [accountId, roleName, envId, roleMatches] of cases) {
    const entry = lookupEntry(lookup, accountId, roleName);
    assert.equal(entry?.envId ?? null, envId, `${accountId} ${roleName}`);
    if (entry) assert.equal(entry.roleMatches, roleMatches, `${accountId} ${roleName}`);
    if (accountId && roleName && entry) {
      const sessionData = JSON.stringify({ accountId, sessionARN: `arn:aws:sts::${accountId}:assumed-role/${roleName}/me` });
      const banner = core.bannerForPage(list, { sessionData });
      assert.equal(banner.envId, entry.envId);
    }
  }
  assert.equal(lookupEntry({ ...lookup, version: 99 }, '111122223333', null), null, 'another layout is ignored');
  assert.equal(lookupEntry(undefined, '111122223333', null), null);
});

test('settings are checked by the core, with repairs reported', () => {
  const { settings, repairs } = core.checkBannerSettings({ position: 'bottom', badgeCue: 'no' });
  assert.equal(settings.position, 'bottom');
  assert.equal(settings.badgeCue, true);
  assert.equal(settings.destructiveReminder, false, 'off by default');
  assert.equal(settings.unknownAccountStrip, true, 'on by default');
  assert.match(repairs[0], /badgeCue/);
  assert.equal(core.bannerLookup([], { position: 'bottom' }).settings.position, 'bottom');
});

test('the page formats account IDs exactly as the core does (unknown-account strip)', () => {
  const { formatAccount } = globalThis.RS.lookup;
  for (const id of ['111122223333', '000000000000', '12345', '1111222233334', '1111-2222-3333', '', 'abcdabcdabcd']) {
    assert.equal(formatAccount(id), core.formatAccountId(id), JSON.stringify(id));
  }
});

test('a production tab’s title prefix always says production, on the page as in the core', () => {
  const { saysProduction, titlePrefix } = globalThis.RS.lookup;
  const [test0, prod0] = core.exampleEnvironments();
  const ownPrefixes = [
    '', 'DEV', 'LIVE', 'PROD', '[prod]', 'PROD-EU', 'Production:', 'product', 'éprod', 'prod2', '2prod',
    'productıon', 'PRODUCTİON', 'ＰＲＯＤ', 'p r o d', '🔥prod🔥', 'pröd', 'prod\u0301', 'x_prod',
  ];
  for (const own of ownPrefixes) {
    for (const base of [prod0, test0]) {
      const env = { ...base, titlePrefix: own };
      const entry = core.bannerLookup([env], null).accounts[env.accountId]['*'];
      // The core's prefix is the page's, and the page adds nothing to it.
      assert.equal(titlePrefix(entry, { titleCue: true }), entry.titlePrefix, JSON.stringify(own));
      if (!base.production) {
        assert.equal(entry.titlePrefix, own ? `${own} ` : '', JSON.stringify(own));
        continue;
      }
      assert.ok(entry.titlePrefix.endsWith(own ? `${own} ` : ''), `the own prefix is kept: ${entry.titlePrefix}`);
      const coreSays = entry.titlePrefix === (own ? `${own} ` : '');
      assert.equal(saysProduction(own), coreSays, `the same word rule for ${JSON.stringify(own)}`);
      // A lookup without the cue (e.g. from before this rule) still gets it on the page.
      const stale = { ...entry, titlePrefix: own ? `${own} ` : '' };
      assert.equal(titlePrefix(stale, { titleCue: true }), entry.titlePrefix, JSON.stringify(own));
    }
  }
  // Templates: the production template may not drop the cue either.
  for (const template of ['', '{name} ', '!! {name} !! ', '[LIVE] ']) {
    const entry = core.bannerLookup([prod0], { titlePrefixProduction: template }).accounts[prod0.accountId]['*'];
    assert.ok(saysProduction(entry.titlePrefix), `${JSON.stringify(template)} gave ${JSON.stringify(entry.titlePrefix)}`);
  }
  // The title cue turned off is the one way to have none.
  const off = core.bannerLookup([{ ...prod0, titlePrefix: 'DEV' }], { titleCue: false });
  assert.equal(off.accounts[prod0.accountId]['*'].titlePrefix, '');
  assert.equal(titlePrefix(off.accounts[prod0.accountId]['*'], off.settings), '');
});

// Reserved Identity Center role names: the page's reading is the core's, in every partition.
const RESERVED = [
  ['AWSReservedSSO_Admin_0123456789abcdef', 'Admin'],
  ['AWSReservedSSO_Admin_0123456789ABCDEF', 'Admin'],
  ['awsreservedsso_Admin_0123456789abcdef', 'Admin'],
  ['AwsReservedSso_Admin_0123456789abcdef', 'Admin'],
  ['AWSReservedSSO_Admin_Access_0123456789abcdef', 'Admin_Access'],
  ['AWSReservedSSO__x__0123456789abcdef', '_x_'],
  ['AWSReservedSSO_a+b=c,d.e@f-g_0123456789abcdef', 'a+b=c,d.e@f-g'],
  ['AWSReservedSSO_ReadOnly_fedcba9876543210', 'ReadOnly'],
  // Not reserved: the hash too short, too long, not hex, missing; no set; another prefix.
  ['AWSReservedSSO_Admin_0123abcd', null],
  ['AWSReservedSSO_Admin_0123456789abcdef0', null],
  ['AWSReservedSSO_Admin_0123456789abcdeg', null],
  ['AWSReservedSSO_0123456789abcdef', null],
  ['AWSReservedSSO__0123456789abcdef', null],
  ['AWSReservedSSO_Admin', null],
  ['AWSReservedSS_Admin_0123456789abcdef', null],
  ['XAWSReservedSSO_Admin_0123456789abcdef', null],
  ['AWSReservedSSOAdmin_0123456789abcdef', null],
  ['AWSReſervedSSO_Admin_0123456789abcdef', null], // U+017F folds to s outside ASCII only
  ['OrganizationAccountAccessRole', null],
];
const PARTITION_ARNS = ['aws', 'aws-us-gov', 'aws-cn'];

test('reserved Identity Center roles name their permission set, on the page as in the core (every partition)', () => {
  const { reservedPermissionSet } = globalThis.RS.lookup;
  for (const [role, set] of RESERVED) {
    assert.equal(reservedPermissionSet(role), set, role);
    for (const partition of PARTITION_ARNS) {
      const sessionData = JSON.stringify({
        accountId: '111122223333', sessionARN: `arn:${partition}:sts::111122223333:assumed-role/${role}/dana@example.com`,
      });
      const fromCore = core.identify({ sessionData });
      assert.deepEqual(asCore(fromCore), { accountId: '111122223333', roleName: set ?? role, identityCenter: set !== null, sessionless: false },
        `core: ${partition} ${role}`);
      assert.deepEqual(pageIdentity({ sessionData }), asCore(fromCore), `page: ${partition} ${role}`);
      // The navigation header alone (Role/session @ account) reads the same.
      const nav = { navAccount: `${role}/dana @ 1111-2222-3333`, navRole: `${role}/dana` };
      assert.deepEqual(pageIdentity(nav), asCore(core.identify(nav)), `nav: ${role}`);
    }
  }
});

test('an Identity Center session finds its assignment, not an IAM role of the same name, as the core does', () => {
  const env = (input, id) => {
    const checked = core.validateEnvironment(input, id);
    assert.equal(checked.ok, true, JSON.stringify(checked.errors));
    return checked.environment;
  };
  const portalUrl = 'https://acme.awsapps.com/start';
  const list = [
    env({ accountId: '111122223333', roleName: 'Admin_Access', displayName: 'iam' }, 'iam'),
    env({ accountId: '111122223333', roleName: 'Admin_Access', displayName: 'sso', portalUrl }, 'sso'),
    env({ accountId: '111122223333', roleName: 'ReadOnly', displayName: 'sso-ro', portalUrl }, 'sso-ro'),
    env({ accountId: '222233334444', roleName: 'Dev', displayName: 'gov-sso', region: 'us-gov-west-1',
      portalUrl: 'https://start.us-gov-home.awsapps.com/directory/d-1' }, 'gov-sso'),
    env({ accountId: '333344445555', roleName: 'Dev', displayName: 'cn-sso', region: 'cn-north-1',
      portalUrl: 'https://acme.awsapps.cn/start' }, 'cn-sso'),
  ];
  const lookup = core.bannerLookup(list, null);
  const cases = [
    ['aws', '111122223333', 'AWSReservedSSO_Admin_Access_0123456789abcdef', 'sso'],
    ['aws', '111122223333', 'awsreservedsso_ADMIN_ACCESS_0123456789ABCDEF', 'sso'],
    ['aws', '111122223333', 'AWSReservedSSO_ReadOnly_0123456789abcdef', 'sso-ro'],
    ['aws', '111122223333', 'Admin_Access', 'iam'],
    ['aws', '111122223333', 'AWSReservedSSO_Other_0123456789abcdef', 'iam'], // no such set: the account's first
    ['aws-us-gov', '222233334444', 'AWSReservedSSO_Dev_0123456789abcdef', 'gov-sso'],
    ['aws-cn', '333344445555', 'AWSReservedSSO_Dev_0123456789abcdef', 'cn-sso'],
  ];
  for (const [partition, accountId, role, envId] of cases) {
    const sessionData = JSON.stringify({ accountId, sessionARN: `arn:${partition}:sts::${accountId}:assumed-role/${role}/me` });
    const identity = pageIdentity({ sessionData });
    const entry = lookupEntry(lookup, identity.accountId, identity.roleName, identity.identityCenter);
    assert.equal(entry?.envId, envId, `${partition} ${role}`);
    assert.equal(core.bannerForPage(list, { sessionData }).envId, envId, `core: ${partition} ${role}`);
    // The raw reserved name (as older callers send it) finds the same entry.
    assert.equal(lookupEntry(lookup, accountId, role)?.envId, envId, `raw: ${role}`);
    assert.ok(!JSON.stringify(entry).includes('AWSReserved'), 'the banner never shows the reserved name');
  }
});
