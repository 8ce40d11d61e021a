import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Switcher } from '../../extension/background/switcher.js';
import { environments, fakeApi, loadCore } from './helpers.mjs';

let core;
let list;
before(async () => {
  core = await loadCore();
  list = environments(core, 3);
});

const CONSOLE_TAB = { id: 7, url: 'https://us-east-1.console.aws.amazon.com/console/home' };

test('from an AWS tab, the switch-role page opens in that tab', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const started = await s.start(list, list[1].id, CONSOLE_TAB);
  assert.equal(started.inNewTab, false);
  assert.equal(api.tabs.updated[0].id, 7);
  assert.equal(
    api.tabs.updated[0].url,
    `https://signin.aws.amazon.com/switchrole?account=${list[1].accountId}&roleName=OrganizationAccountAccessRole` +
      `&displayName=${encodeURIComponent(list[1].displayName)}&color=${list[1].color.slice(1)}`,
  );
});

test('from any other tab, it opens in a new tab', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const started = await s.start(list, list[0].id, { id: 3, url: 'https://example.com/' });
  assert.equal(started.inNewTab, true);
  assert.equal(api.tabs.created.length, 1);
  assert.equal(api.tabs.updated.length, 0);
});

test('form values go only to the tab and switch-role URL the switch was started for, once', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const { url } = await s.start(list, list[2].id, CONSOLE_TAB);
  assert.equal(await s.takeFill({ id: 8 }, url), null, 'another tab');
  assert.equal(await s.takeFill(CONSOLE_TAB, url.replace(list[2].accountId, '999999999999')), null, 'another account');
  assert.equal(await s.takeFill(CONSOLE_TAB, url.replace('signin.aws.amazon.com', 'evil.example')), null, 'another host');
  const fill = await s.takeFill(CONSOLE_TAB, url);
  assert.deepEqual(
    { account: fill.account, roleName: fill.roleName, displayName: fill.displayName },
    { account: list[2].accountId, roleName: 'OrganizationAccountAccessRole', displayName: list[2].displayName },
  );
  assert.equal(await s.takeFill(CONSOLE_TAB, url), null, 'only once');
});

test('a switch-role page opened long after the switch is not filled', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  const { url } = await s.start(list, list[0].id, CONSOLE_TAB);
  const k = `pendingSwitch:${CONSOLE_TAB.id}`;
  api.storage.session.items[k].expires = Date.now() - 1;
  assert.equal(await s.takeFill(CONSOLE_TAB, url), null);
});

test('an unknown environment id is an error, and opens nothing', async () => {
  const api = fakeApi();
  const s = new Switcher(api, core);
  await assert.rejects(s.start(list, 'nope', CONSOLE_TAB), /no environment with id "nope"/);
  assert.equal(api.tabs.updated.length + api.tabs.created.length, 0);
});

// ---- The popup's switch (`fromPopup`): one step from a console tab when the page allows it.

const { MSG } = globalThis.RS.protocol;
const SIGNIN = 'https://signin.aws.amazon.com';

/** `awsc-session-data` as a console page has it (signed in to 999988887777 as Admin). */
function sessionData({ endpoint = SIGNIN, multi = false } = {}) {
  return JSON.stringify({
    accountId: '999988887777',
    sessionARN: 'arn:aws:sts::999988887777:assumed-role/Admin/alice',
    ...(endpoint ? { signInEndpoint: endpoint } : {}),
    prismModeEnabled: multi,
    sessionDifferentiator: 'abcd1234',
  });
}

/**
 * A console page's content script in `api` for `tab`: answers the page-context
 * question with `csrf` and the session data, and the switch requests with `post`
 * and `session`. Returns the messages it received.
 */
function consolePage(api, tab, { csrf = 'tok-123', endpoint, multi, post, session } = {}) {
  const received = [];
  api.tabs.pages[tab.id] = async (msg) => {
    received.push(msg);
    switch (msg.type) {
      case MSG.BG_CS_PAGE_CONTEXT:
        return { result: { signals: { host: new URL(tab.url).host, sessionData: sessionData({ endpoint, multi }) }, csrf } };
      case MSG.BG_CS_POST_FORM:
        return post ? post(msg) : { result: { posted: true } };
      case MSG.BG_CS_SESSION_SWITCH:
        return session ? session(msg) : { error: 'no session handler' };
      default:
        throw new Error(`unexpected ${msg.type}`);
    }
  };
  return received;
}

const types = (received) => received.map((m) => m.type);
const MULTI_TAB = { id: 9, url: 'https://999988887777-abcd1234.us-east-1.console.aws.amazon.com/console/home' };

test('popup switch on a console tab whose page has a token: the page posts the form, nothing else opens', async () => {
  const api = fakeApi();
  const received = consolePage(api, CONSOLE_TAB, { csrf: 'tok-123' });
  const result = await new Switcher(api, core).fromPopup(list, list[1].id, CONSOLE_TAB);
  assert.deepEqual(result, { outcome: 'posted', host: 'signin.aws.amazon.com' });
  assert.deepEqual(types(received), [MSG.BG_CS_PAGE_CONTEXT, MSG.BG_CS_POST_FORM]);
  const { plan } = received[1];
  assert.equal(plan.action, `${SIGNIN}/switchrole`);
  assert.equal(plan.fields.csrf, 'tok-123');
  assert.equal(plan.fields.account, list[1].accountId);
  assert.equal(plan.fields.redirect_uri, CONSOLE_TAB.url);
  assert.deepEqual(api.tabs.sent.map((s) => s.options), [{ frameId: 0 }, { frameId: 0 }], 'top frame only');
  assert.equal(api.tabs.updated.length + api.tabs.created.length, 0);
  assert.deepEqual(await api.storage.session.get(null), {}, 'no fill pending for a switch-role page');
});

for (const [what, page, reason] of [
  ['gives no token', { csrf: null }, /CSRF token/],
  ['gives an empty token', { csrf: '' }, /CSRF token/],
  ['gives a blank token', { csrf: '   ' }, /CSRF token/],
  ['names no sign-in endpoint', { endpoint: null }, /sign-in endpoint/],
  ['names a foreign sign-in endpoint', { endpoint: 'https://signin.evil.example' }, /sign-in endpoint/],
]) {
  test(`popup switch when the page ${what}: the switch-role page in that tab, with the reason, and no form`, async () => {
    const api = fakeApi();
    const received = consolePage(api, CONSOLE_TAB, page);
    const result = await new Switcher(api, core).fromPopup(list, list[0].id, CONSOLE_TAB);
    assert.equal(result.outcome, 'page');
    assert.match(result.message, reason);
    assert.equal(result.inNewTab, false);
    assert.deepEqual(types(received), [MSG.BG_CS_PAGE_CONTEXT], 'never a form without a usable token');
    assert.equal(api.tabs.updated.length, 1);
    assert.equal(api.tabs.updated[0].id, CONSOLE_TAB.id);
    assert.match(api.tabs.updated[0].url, new RegExp(`^${SIGNIN}/switchrole\\?account=${list[0].accountId}&`));
    assert.ok(await pendingFill(api, CONSOLE_TAB), 'the switch-role page will be filled');
  });
}

/** The fill pending for `tab`'s switch-role page, if any. */
async function pendingFill(api, tab) {
  const k = `pendingSwitch:${tab.id}`;
  return (await api.storage.session.get(k))[k]?.fill ?? null;
}

test('popup switch when the page does not answer: the switch-role page, and the popup says why', async () => {
  for (const setUp of [
    () => {}, // no content script (the tab was open before the extension)
    (api) => (api.tabs.pages[CONSOLE_TAB.id] = async () => undefined), // a listener that does not reply
  ]) {
    const api = fakeApi();
    setUp(api);
    const result = await new Switcher(api, core).fromPopup(list, list[2].id, CONSOLE_TAB);
    assert.equal(result.outcome, 'page');
    assert.match(result.message, /did not answer/);
    assert.equal(api.tabs.updated[0].id, CONSOLE_TAB.id);
    assert.equal(api.tabs.sent.filter((s) => s.message.type === MSG.BG_CS_POST_FORM).length, 0);
  }
});

test('popup switch when the page fails to post: the switch-role page, with the page\'s error', async () => {
  const api = fakeApi();
  consolePage(api, CONSOLE_TAB, { post: () => ({ error: 'no document body' }) });
  const result = await new Switcher(api, core).fromPopup(list, list[0].id, CONSOLE_TAB);
  assert.equal(result.outcome, 'page');
  assert.match(result.message, /could not post the switch \(no document body\)/);
  assert.equal(api.tabs.updated[0].id, CONSOLE_TAB.id);
});

test('popup switch from a tab that is not a console page: the switch-role page, no message, nothing asked', async () => {
  const api = fakeApi();
  const tab = { id: 3, url: 'https://example.com/' };
  api.tabs.pages[tab.id] = async () => assert.fail('a non-console tab is never asked');
  const result = await new Switcher(api, core).fromPopup(list, list[0].id, tab);
  assert.equal(result.outcome, 'page');
  assert.equal(result.message, undefined);
  assert.equal(result.inNewTab, true);
  assert.equal(api.tabs.created.length, 1);
  assert.equal(api.tabs.sent.length, 0);
});

test('popup switch into another partition from a commercial console: its own switch-role page, with the reason', async () => {
  const gov = core.validateEnvironment({ accountId: '444455556666', displayName: 'gov', partition: 'aws-us-gov' }, 'gov');
  assert.ok(gov.ok);
  const api = fakeApi();
  const received = consolePage(api, CONSOLE_TAB);
  const result = await new Switcher(api, core).fromPopup([...list, gov.environment], 'gov', CONSOLE_TAB);
  assert.equal(result.outcome, 'page');
  assert.match(result.message, /GovCloud|aws-us-gov/);
  assert.match(result.url, /^https:\/\/signin\.amazonaws-us-gov\.com\/switchrole\?/);
  assert.deepEqual(types(received), [MSG.BG_CS_PAGE_CONTEXT]);
});

test('popup switch on a multi-session console: the page fetches the switch and the destination opens in a new tab', async () => {
  const api = fakeApi();
  const destination = `https://${list[1].accountId}-efgh5678.us-east-1.console.aws.amazon.com/console/home`;
  const received = consolePage(api, MULTI_TAB, {
    multi: true,
    csrf: null,
    session: () => ({ result: { status: 200, destination } }),
  });
  const result = await new Switcher(api, core).fromPopup(list, list[1].id, MULTI_TAB);
  assert.deepEqual(result, { outcome: 'opened', url: destination });
  assert.deepEqual(types(received), [MSG.BG_CS_PAGE_CONTEXT, MSG.BG_CS_SESSION_SWITCH]);
  const { plan } = received[1];
  assert.equal(plan.url, `${SIGNIN}/sessions/abcd1234/v1/switchrole`);
  assert.equal(plan.body.account, list[1].accountId);
  assert.equal(plan.body.redirectUri, MULTI_TAB.url);
  assert.deepEqual(api.tabs.created.map((t) => [t.url, t.active]), [[destination, true]]);
  assert.equal(api.tabs.updated.length, 0, 'the multi-session tab itself stays where it is');
});

for (const [what, reply, message] of [
  ['an empty destination', { result: { status: 200, destination: '' } }, /This session may not assume OrganizationAccountAccessRole in \d{4}-\d{4}-\d{4}/],
  ['no destination', { result: { status: 200, destination: null } }, /may not assume/],
  ['a destination off AWS', { result: { status: 200, destination: 'https://evil.example/' } }, /unexpected destination; nothing was opened/],
  ['HTTP 403', { result: { status: 403, destination: null } }, /AWS refused the multi-session switch \(HTTP 403\)/],
  ['a failed fetch', { error: 'Failed to fetch' }, /multi-session switch failed: Failed to fetch/],
]) {
  test(`popup switch on a multi-session console answered with ${what}: refused with a message, nothing opened`, async () => {
    const api = fakeApi();
    consolePage(api, MULTI_TAB, { multi: true, session: () => reply });
    const result = await new Switcher(api, core).fromPopup(list, list[0].id, MULTI_TAB);
    assert.equal(result.outcome, 'refused');
    assert.match(result.message, message);
    assert.equal(api.tabs.created.length + api.tabs.updated.length, 0);
  });
}

test('an Identity Center environment opens its portal shortcut: to this console page in its region, else its landing page', async () => {
  const sso = core.validateEnvironment({
    accountId: '777788889999', roleName: 'AdministratorAccess', displayName: 'sso', region: 'eu-west-1',
    portalUrl: 'https://acme.awsapps.com/start',
  }, 'sso').environment;
  const ssoList = [...list, sso];
  const portal = 'https://acme.awsapps.com/start/#/console?account_id=777788889999&role_name=AdministratorAccess&destination=';
  const api = fakeApi();
  const s = new Switcher(api, core);
  const page = { id: 7, url: 'https://111122223333-abcd1234.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:' };
  const fromConsole = await s.fromPopup(ssoList, 'sso', page);
  assert.equal(fromConsole.outcome, 'portal');
  assert.equal(api.tabs.updated[0].id, 7, 'in the console tab');
  assert.equal(api.tabs.updated[0].url,
    portal + encodeURIComponent('https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:'));
  const elsewhere = await s.fromPopup(ssoList, 'sso', { id: 3, url: 'https://example.com/' });
  assert.equal(elsewhere.inNewTab, true);
  assert.equal(api.tabs.created[0].url,
    portal + encodeURIComponent('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'));
  // A console page of another partition cannot be the destination: the landing page instead.
  await s.fromPopup(ssoList, 'sso', { id: 9, url: 'https://us-gov-west-1.console.amazonaws-us-gov.com/s3/home' });
  assert.equal(api.tabs.updated[1].url,
    portal + encodeURIComponent('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'));
  assert.equal(api.storage.session.items['pendingSwitch:7'], undefined, 'no switch-role fill is pending');
});

test('alongside (Shift+Enter) on a console of one session: the form is still posted, and the popup is told it replaces the session', async () => {
  const api = fakeApi();
  const received = consolePage(api, CONSOLE_TAB, { csrf: 'tok-123' });
  const result = await new Switcher(api, core).fromPopup(list, list[1].id, CONSOLE_TAB, { alongside: true });
  assert.equal(result.outcome, 'posted');
  assert.match(result.message, /holds one session \(multi-session is off\), so the switch replaces it/);
  assert.deepEqual(types(received), [MSG.BG_CS_PAGE_CONTEXT, MSG.BG_CS_POST_FORM]);
});
