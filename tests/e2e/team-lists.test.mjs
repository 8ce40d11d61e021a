// Team lists (issue 14) end to end in headless Chromium with the built extension: subscribe
// from the options page, entries in the options page and the popup, conditional refreshes,
// every way a refresh fails keeping the last good copy (with the stale notice), refresh by
// alarm, local choices (hide, color, title prefix) surviving a refresh, two overlapping lists,
// and browser policy.
//
// The published lists are served by a fixture through request interception
// (`context.route`, which also sees the service worker's fetches); nothing leaves the machine.
//
// Two things headless Chromium cannot do, and what these tests do instead (say so wherever
// they are relied on):
// - The permission prompt that `permissions.request` opens is browser UI that nothing can
//   answer in headless mode (the request stays pending). The options page's
//   `permissions.request` is replaced by a recorder that answers "allowed", so the test checks
//   exactly which origins were asked for; the worker's `hasPermission` is pointed at that
//   record. `chrome.permissions.getAll()` is then checked to hold no broad host access.
//   A granted host permission also lifts CORS for the extension's fetches; without the real
//   grant the fixture answers as a CORS-enabled server would (preflight, exposed ETag), so
//   that the worker sees the same headers it would with the permission.
// - Chromium reads extension policy (`3rdparty.extensions.<id>`) only from root-owned
//   system directories (/etc/chromium/policies/managed on Debian) or the platform's policy
//   stores; there is no switch to point it at a test directory, and the DevTools
//   `Extensions.setStorageItems` command refuses this browser context. The policy test
//   therefore seeds what `chrome.storage.managed.get()` returns through the worker's one
//   seam for it (`RS.teamLists.managedSource`); everything after that read (the core's
//   `readManagedPolicy`, locks, the options page) is the real code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, poll, serveToExtension } from './harness.mjs';
import { bannerState } from './banner-dom.mjs';
import { axe, assertClean } from './axe.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HOST = 'lists.example.test';
const URL_A = `https://${HOST}/aws/roleswitch.json`;
const HOST_B = 'mirror.example.test';
const URL_B = `https://${HOST_B}/team.json`;

/** `n` entries of a published Roleswitch JSON list. */
function entries(n, { rename = {} } = {}) {
  return Array.from({ length: n }, (_, i) => ({
    id: `t-${i}`,
    accountId: String(200000000000 + i * 101).padStart(12, '0'),
    roleName: 'TeamAdmin',
    displayName: rename[i] ?? `team-${i}`,
    color: '#99ccff',
    production: i === 0,
  }));
}
const listText = (envs) => JSON.stringify({ version: 1, environments: envs });
// Where the redirect test's server sends the extension: a plain-http copy of a good list.
const PLAIN_URL = `http://${HOST}/plain.json`;

// What the fixture serves at each URL, and every request it saw.
const served = new Map([[PLAIN_URL, { body: listText(Array.from({ length: 20 }, (_, i) => ({ accountId: String(900000000000 + i), roleName: 'Evil', displayName: `evil-${i}`, color: '#000000', production: false }))) }]]);
const requests = [];
let h;
let options;
let worker;

before(async () => {
  h = await launch({ extensionDir: `${root}/dist/chrome` });
  for (const host of [HOST, HOST_B]) {
    await serveToExtension(h, `http*://${host}/**`, async (request) => {
      requests.push({ url: request.url(), headers: await request.allHeaders() });
      const reply = served.get(request.url()) ?? { status: 404, body: 'not found' };
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      const wanted = (await request.allHeaders())['if-none-match'];
      // `unconditional`: a server that ignores If-None-Match (the whole file again, 200).
      if (reply.etag && !reply.unconditional && wanted === reply.etag) return { status: 304, headers: { etag: reply.etag } };
      return {
        status: reply.status ?? 200,
        contentType: reply.contentType ?? 'application/json',
        headers: { ...(reply.etag ? { etag: reply.etag } : {}), ...(reply.headers ?? {}) },
        body: reply.body,
      };
    });
  }
  worker = await h.worker();
  // See the header: the permission prompt cannot be answered headless.
  await worker.evaluate(() => {
    globalThis.RS.teamLists.hasPermission = async (p) => ((await chrome.storage.session.get('grantedForTest')).grantedForTest ?? []).includes(p);
  });
  options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await stubPermissionPrompt(options);
});

after(async () => {
  await h?.close();
});

/** The user says yes to the prompt: recorded, and what the worker's permission check reads. */
async function stubPermissionPrompt(page) {
  await page.evaluate(() => {
    globalThis.requestedForTest = [];
    chrome.permissions.request = async (request) => {
      globalThis.requestedForTest.push(request);
      const { grantedForTest = [] } = await chrome.storage.session.get('grantedForTest');
      await chrome.storage.session.set({ grantedForTest: [...grantedForTest, ...request.origins] });
      return true;
    };
  });
}

/** Subscribes through the options page's form, granting what it asked for (see the header). */
async function subscribe(url, { name = '', group = '' } = {}) {
  const before = await options.evaluate(() => globalThis.requestedForTest.length);
  await options.fill('#sub-url', url);
  await options.fill('#sub-name', name);
  await options.fill('#sub-group', group);
  await options.click('#subscribe');
  await options.waitForFunction((n) => globalThis.requestedForTest.length > n, before);
  await options.waitForFunction((u) => document.querySelector(`#subscriptions li[data-url="${u}"]`), url);
  const asked = await options.evaluate(() => globalThis.requestedForTest);
  assert.equal(asked.length, before + 1, 'asked once');
  return asked.at(-1);
}

/** The read-only rows of the environments table, their cells joined by ' | '. */
const teamRows = () => options.evaluate(() => [...document.querySelectorAll('#team-envs tr')]
  .map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(' | ')));
/** Waits until the status line of `url`'s subscription matches `pattern`. */
const statusMatches = (url, pattern) => options.waitForFunction(([u, source, flags]) => new RegExp(source, flags)
  .test(document.querySelector(`#subscriptions li[data-url="${u}"] .sub-status`)?.textContent ?? ''), [url, pattern.source, pattern.flags]);
const subscriptionText = (url) => options.locator(`#subscriptions li[data-url="${url}"]`).textContent();

async function refreshNow(url) {
  await options.click(`#subscriptions li[data-url="${url}"] .sub-refresh`);
}

async function openPopup() {
  const tab = await h.context.newPage();
  const popup = await h.openPopup(tab);
  await popup.waitFor("performance.getEntriesByName('roleswitch:interactive').length > 0");
  const names = () => popup.evaluate(() => [...document.querySelectorAll('#list li .name')].map((n) => n.textContent));
  /** Whether filtering the popup for `name` finds it (the list draws only the rows in view). */
  const finds = async (name) => {
    await popup.evaluate(() => {
      const filter = /** @type {HTMLInputElement} */ (document.getElementById('filter'));
      filter.value = '';
      filter.dispatchEvent(new Event('input'));
    });
    await popup.type(name);
    await new Promise((r) => setTimeout(r, 300));
    return (await names()).includes(name);
  };
  const notice = () => popup.evaluate(() => {
    const box = document.getElementById('team-notice');
    return box.hidden ? '' : box.textContent;
  });
  const close = async () => {
    await Promise.race([popup.close(), new Promise((r) => setTimeout(r, 1000))]);
    await tab.close();
  };
  return { popup, names, finds, notice, close };
}

test('subscribe: the permission for exactly that origin, then its entries in the options page and the popup', async () => {
  served.set(URL_A, { body: listText(entries(20)), etag: '"v1"' });
  // A cookie the browser holds for the list's host: it must not be sent.
  await h.context.addCookies([{ name: 'session', value: 'secret', domain: HOST, path: '/', secure: true }]);
  const requested = await subscribe(URL_A, { name: 'Platform', group: 'team' });
  assert.deepEqual(requested, { origins: [`https://${HOST}/*`] }, 'one origin, nothing broader');
  const granted = await worker.evaluate(() => chrome.permissions.getAll());
  assert.equal(granted.origins.some((o) => o === 'https://*/*' || o === '<all_urls>'), false, 'no broad host access held');

  await options.waitForFunction(() => document.querySelectorAll('#team-envs tr').length === 20);
  const rows = await teamRows();
  assert.ok(rows.some((r) => r.includes('team-3') && r.includes('from Platform')), rows.join('\n'));
  // Under the table's headings, as the personal rows: … role, kind, region, group.
  const headings = await options.evaluate(() => [...document.querySelectorAll('#envs thead th')].map((th) => th.textContent));
  assert.equal(rows[3].split(' | ')[headings.indexOf('Kind')], 'Assumed role', rows[3]);
  assert.equal(rows[3].split(' | ')[headings.indexOf('Account')], '2000-0000-0303', 'written as the personal rows write it');
  assert.match(await subscriptionText(URL_A), /Up to date: 20 entries/);
  const fetched = requests.filter((r) => r.url === URL_A);
  assert.equal(fetched.length, 1);
  assert.equal(fetched[0].headers.cookie, undefined, 'no cookies are sent');

  const { names, finds, notice, close } = await openPopup();
  try {
    const shown = await names();
    assert.ok(shown.includes('team-0') && shown.includes('team-3'), shown.join(', '));
    assert.ok(await finds('team-19'));
    assert.equal(await notice(), '', 'nothing stale');
  } finally {
    await close();
  }
});

test('an unchanged list costs a 304: conditional request, the copy stays', async () => {
  await refreshNow(URL_A);
  await poll(() => requests.filter((r) => r.url === URL_A).length === 2, 5000, 'no second request');
  assert.equal(requests.at(-1).headers.cookie, undefined, 'no cookies are sent');
  assert.equal(requests.at(-1).headers['if-none-match'], '"v1"', JSON.stringify(requests.map((r) => [r.url, r.headers['if-none-match']])));
  await poll(async () => /Up to date: 20 entries, checked/.test(await subscriptionText(URL_A)), 5000, 'not up to date');
  assert.equal((await teamRows()).length, 20);
});

test('the same file again (a server that ignores If-None-Match) writes no new revision: what the popup and the banner use stays current', async () => {
  // In Chromium's storage the stored copy's objects come back with their keys sorted: a
  // comparison with the new copy as text said "changed" every time (a new revision, and the
  // popup after it waited half a second for the worker to prepare the whole list again).
  const stored = () => worker.evaluate(async () => {
    const got = await chrome.storage.local.get(['teamLists', 'teamRevision']);
    return { revision: got.teamRevision, attempt: got.teamLists[0].lastAttempt, fetchedAt: got.teamLists[0].lastGood.fetchedAt };
  });
  const before = await stored();
  assert.ok(before.revision, 'the first copy wrote a revision');
  const reply = served.get(URL_A);
  served.set(URL_A, { ...reply, unconditional: true });
  try {
    await refreshNow(URL_A);
    await poll(async () => (await stored()).attempt > before.attempt, 5000, 'the refresh was not stored');
    const after = await stored();
    assert.ok(after.fetchedAt > before.fetchedAt, 'a whole new copy (200), not a 304');
    assert.equal(after.revision, before.revision, 'the same entries: the same revision');
  } finally {
    served.set(URL_A, reply);
  }
});

for (const [why, reply, reason] of [
  ['a server error (500)', { status: 500, body: 'oops' }, /HTTP 500/],
  ['a timeout', { body: listText(entries(20)), delayMs: 3000 }, /no answer within 1 s/],
  ['an invalid file', { body: '{"version": 1, "environments": ' }, /not a valid list|not in a format/],
  ['a sudden 90% shrink', { body: listText(entries(2)) }, /holds 2 valid entries instead of 20/],
  // Chromium itself does not follow it (the worker's check of the final URL is the second
  // line, for a browser that would): the plain-http copy is never requested.
  ['a redirect to http://', { status: 302, body: '', headers: { location: PLAIN_URL } }, /could not be fetched/],
]) {
  test(`${why} keeps the last good copy, marked stale in the options page and the popup`, async () => {
    served.set(URL_A, reply);
    await worker.evaluate(() => { globalThis.RS.teamLists.timeoutMs = 1000; });
    await refreshNow(URL_A);
    await statusMatches(URL_A, reason);
    const text = await subscriptionText(URL_A);
    assert.match(text, reason);
    assert.match(text, /Stale since .*The last good copy \(20 entries/);
    assert.equal((await teamRows()).length, 20, 'every entry is still there');
    assert.equal(requests.some((r) => r.url === PLAIN_URL), false, 'nothing is fetched over plain http');

    const { finds, notice, close } = await openPopup();
    try {
      assert.ok(await finds('team-19'), 'the entries are still in the popup');
      assert.match(await notice(), /Platform: stale since/);
      assert.match(await notice(), reason);
    } finally {
      await close();
    }
  });
}

test('a refresh that works again clears the stale mark; the popup reports what it removed, once', async () => {
  served.set(URL_A, { body: listText(entries(19, { rename: { 5: 'team-five' } })), etag: '"v2"' });
  await refreshNow(URL_A);
  await statusMatches(URL_A, /Up to date: 19 entries/);
  const rows = await teamRows();
  assert.ok(rows.some((r) => r.includes('team-five')));
  assert.equal(rows.some((r) => r.includes('team-19')), false);

  let popup = await openPopup();
  try {
    assert.match(await popup.notice(), /Platform was updated: removed team-19; changed 1/);
    assert.doesNotMatch(await popup.notice(), /stale/);
  } finally {
    await popup.close();
  }
  await poll(async () => (await worker.evaluate(() => chrome.storage.local.get('teamStatus'))).teamStatus.changes === null,
    5000, 'the changes were not marked as seen');
  popup = await openPopup();
  try {
    assert.equal(await popup.notice(), '', 'reported once');
  } finally {
    await popup.close();
  }
});

test('local choices (hide, color) survive a refresh that changes the list', async () => {
  const row = (name) => options.locator('#team-envs tr', { hasText: name });
  await row('team-2').locator('.entry-hide').check();
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-2') && tr.querySelector('.entry-hide').checked));
  await row('team-4').locator('.entry-color').evaluate((input) => {
    input.value = '#ff0000';
    input.dispatchEvent(new Event('change'));
  });
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-4') && tr.querySelector('.entry-color').value === '#ff0000'));

  // The publisher renames team-4 and removes team-18.
  served.set(URL_A, { body: listText(entries(18, { rename: { 4: 'team-four', 5: 'team-five' } })), etag: '"v3"' });
  await refreshNow(URL_A);
  await statusMatches(URL_A, /Up to date: 18 entries/);
  assert.equal(await row('team-four').locator('.entry-color').inputValue(), '#ff0000', 'the color stays');
  assert.equal(await row('team-2').locator('.entry-hide').isChecked(), true, 'still hidden');

  const popup = await openPopup();
  try {
    assert.equal(await popup.finds('team-2'), false, 'hidden from the popup');
    assert.ok(await popup.finds('team-four'));
  } finally {
    await popup.close();
  }
  // Hidden, yet still in the banner lookup (a hidden production account keeps its banner).
  const lookup = JSON.stringify(await worker.evaluate(() => chrome.storage.local.get(null)));
  assert.ok(lookup.includes('200000000202'), 'team-2 is still in the banner lookup');
});

test('the alarm refreshes when due (time advanced in the worker, not waited for)', async () => {
  const alarm = await worker.evaluate(() => chrome.alarms.get('team-lists-refresh'));
  assert.ok(alarm, 'an alarm is set for the next refresh');
  const inMinutes = (alarm.scheduledTime - Date.now()) / 60000;
  assert.ok(inMinutes > 50 && inMinutes <= 61, `the next refresh in about an hour, not ${inMinutes} minutes`);

  served.set(URL_A, { body: listText(entries(18, { rename: { 4: 'team-four', 5: 'team-five', 6: 'team-six' } })), etag: '"v4"' });
  const count = requests.length;
  // Two hours later, as the worker sees it; the real alarm fires the real handler.
  await worker.evaluate(async () => {
    globalThis.RS.teamLists.now = () => Date.now() + 2 * 3600_000;
    await chrome.alarms.create('team-lists-refresh', { when: Date.now() + 50 });
  });
  await poll(() => requests.length > count, 10000, 'the alarm did not fetch the list');
  assert.equal(requests.at(-1).headers['if-none-match'], '"v3"', JSON.stringify(requests.map((r) => [r.url, r.headers['if-none-match']])));
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-six')));
  await worker.evaluate(() => { globalThis.RS.teamLists.now = () => Date.now(); });
});

test('a local title prefix survives a refresh that changes the list; the console page\'s title uses it', async () => {
  const row = (name) => options.locator('#team-envs tr', { hasText: name });
  const prefix = row('team-7').locator('.entry-prefix');
  // Refused as you type, with the environment rule's message; nothing is saved.
  await prefix.fill('PR\u200BOD');
  await options.waitForFunction(() => /invisible character/.test(document.querySelector('#team-envs tr .entry-prefix-error:not(:empty)')?.textContent ?? ''));
  assert.equal(await prefix.getAttribute('aria-invalid'), 'true');
  assertClean(await axe((source) => options.evaluate(source), "document.getElementById('list-section')"),
    'the subscribed entries, a title prefix in error');
  await prefix.fill(' [MINE] ');
  await prefix.press('Enter');
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')]
    .some((tr) => tr.textContent.includes('team-7') && tr.querySelector('.entry-prefix').value === '[MINE]' && tr.querySelector('.entry-prefix-reset')));

  // The publisher renames team-7 and gives it a prefix of the list's own.
  const next = entries(18, { rename: { 4: 'team-four', 5: 'team-five', 6: 'team-six', 7: 'team-seven' } });
  next[7].titlePrefix = 'TEAM';
  served.set(URL_A, { body: listText(next), etag: '"v5"' });
  await refreshNow(URL_A);
  await statusMatches(URL_A, /Up to date: 18 entries/);
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-seven')));
  assert.equal(await row('team-seven').locator('.entry-prefix').inputValue(), '[MINE]', 'the prefix stays');
  assertClean(await axe((source) => options.evaluate(source), "document.getElementById('list-section')"),
    'the subscribed entries, a title prefix chosen');

  // The console page of that account and role: the banner lookup the worker precomputed.
  const identity = h.aws.identity;
  h.aws.identity = { ...identity, accountId: next[7].accountId, roleName: 'TeamAdmin' };
  const page = await h.openConsole({ variant: 'header2021' });
  try {
    await page.waitForFunction(() => document.title.startsWith('[MINE] '), null, { timeout: 5000 })
      .catch(async () => assert.fail(`title: ${await page.title()}`));
    assert.doesNotMatch(await page.title(), /TEAM/, 'not the list\'s prefix');
    await page.locator('roleswitch-banner').waitFor({ state: 'attached' });
    assert.equal((await bannerState(page)).name, 'team-seven', 'the banner is the refreshed entry\'s');
  } finally {
    h.aws.identity = identity;
    await page.close();
  }

  // Back to the list's prefix; then none at all, and the list's again.
  const listPrefix = () => options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')]
    .some((tr) => tr.textContent.includes('team-seven') && tr.querySelector('.entry-prefix').value === ''
      && tr.querySelector('.entry-prefix').placeholder === 'TEAM' && !tr.querySelector('.entry-prefix-reset')));
  await row('team-seven').locator('.entry-prefix-reset').click();
  await listPrefix();
  await row('team-seven').locator('.entry-prefix-none').check();
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')]
    .some((tr) => tr.textContent.includes('team-seven') && tr.querySelector('.entry-prefix-none').checked && tr.querySelector('.entry-prefix').disabled));
  h.aws.identity = { ...identity, accountId: next[7].accountId, roleName: 'TeamAdmin' };
  const bare = await h.openConsole({ variant: 'header2021' });
  try {
    await bare.locator('roleswitch-banner').waitFor({ state: 'attached' });
    await new Promise((r) => setTimeout(r, 300));
    assert.match(await bare.title(), /^Console Home/, 'no prefix');
  } finally {
    h.aws.identity = identity;
    await bare.close();
  }
  await row('team-seven').locator('.entry-prefix-none').uncheck();
  await listPrefix();
});

test('two lists with overlapping entries: each entry shown once, with both sources', async () => {
  const all = entries(18);
  // team-0 and team-1 are in both lists, team-mirror only in the second.
  const mirror = [all[0], all[1], { ...all[1], accountId: '333344445555', displayName: 'team-mirror', id: 'm' }];
  served.set(URL_B, { body: listText(mirror), etag: '"m1"' });
  const requested = await subscribe(URL_B, { name: 'Mirror' });
  assert.deepEqual(requested, { origins: [`https://${HOST_B}/*`] });
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-mirror')));
  const rows = await teamRows();
  const one = rows.filter((r) => r.split(' | ')[1] === 'team-1');
  assert.equal(one.length, 1, 'shown once');
  assert.match(one[0], /from Platform, Mirror/);
  assert.equal(rows.length, 19, '18 from Platform and 1 only in Mirror');
});

test('browser policy: its subscription is added and locked, settings locked (policy seeded through the worker)', async () => {
  const URL_P = `https://${HOST}/policy/roleswitch.json`;
  served.set(URL_P, { body: listText([{ ...entries(1)[0], accountId: '777788889999', displayName: 'policy-entry', id: 'p' }]) });
  // See the header: what chrome.storage.managed.get() would return under this policy.
  await worker.evaluate((url) => {
    globalThis.RS.teamLists.managedSource = async () => ({
      subscriptionUrls: [url],
      refreshIntervalMinutes: 30,
      confirmProductionAlwaysOn: true,
      bannerAlwaysOn: true,
      refreshIntervalMinuts: 10,
    });
    return globalThis.RS.teamLists.refreshDue();
  }, URL_P);
  await options.reload();
  await stubPermissionPrompt(options);
  await options.locator(`#subscriptions li[data-url="${URL_P}"]`).waitFor();
  const item = options.locator(`#subscriptions li[data-url="${URL_P}"]`);
  assert.match(await item.textContent(), /set by policy/);
  assert.equal(await item.locator('.sub-remove').isDisabled(), true, 'cannot be removed');
  await options.waitForFunction(() => [...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('policy-entry')));
  assert.match(await options.textContent('#policy-locks'), /refreshes the lists every 30 minutes; keeps asking before switching into production on; keeps the console banner on/);
  assert.match(await options.textContent('#policy-errors'), /refreshIntervalMinuts/);
  assert.equal(await options.isDisabled('#team-interval'), true);
  assert.equal(await options.isDisabled('#setting-confirmProduction'), true);
  assert.equal(await options.isChecked('#setting-confirmProduction'), true);
  assert.equal(await options.isVisible('#banner-locked'), true);
  // The worker refuses too, whatever a page sends.
  const refused = await options.evaluate((url) => globalThis.RS.protocol.send('page-bg-unsubscribe', { url }).then(() => 'removed', (e) => e.message), URL_P);
  assert.match(refused, /browser policy/);
  const alarm = await worker.evaluate(() => chrome.alarms.get('team-lists-refresh'));
  const inMinutes = (alarm.scheduledTime - Date.now()) / 60000;
  assert.ok(inMinutes <= 31, `the policy interval is used: the next refresh in ${inMinutes} minutes`);
});

test('remove: its entries go, the others stay', async () => {
  await options.click(`#subscriptions li[data-url="${URL_B}"] .sub-remove`);
  await options.waitForFunction(() => ![...document.querySelectorAll('#team-envs tr')].some((tr) => tr.textContent.includes('team-mirror')));
  const rows = await teamRows();
  assert.ok(rows.some((r) => r.includes('team-1') && r.includes('from Platform') && !r.includes('Mirror')));
});

test('an entry in your own list and a team list: yours is shown, editable, with the list named', async () => {
  const team3 = entries(18)[3];
  await h.seedList([{ id: 'mine-3', accountId: team3.accountId, roleName: team3.roleName, displayName: 'my-team-3', color: '#00aa00', production: false }]);
  await options.waitForFunction(() => document.querySelector('#envs tbody tr .also-in')?.textContent === ' also in Platform');
  const rows = await teamRows();
  assert.equal(rows.some((r) => r.split(' | ')[1] === 'team-3'), false, 'not listed twice');
  assert.match(await options.locator('#envs tbody').first().textContent(), /my-team-3 also in Platform/);
});
