// Self-test of the e2e harness with a tiny throwaway extension (not Roleswitch).
// Run: node --test tests/e2e/harness.test.mjs
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch } from './harness.mjs';
import { CSP } from '../fixtures/aws/fixtures.mjs';

const AWS_MATCHES = [
  'https://*.console.aws.amazon.com/*', 'https://console.aws.amazon.com/*',
  'https://*.console.amazonaws-us-gov.com/*', 'https://*.console.amazonaws.cn/*',
  'https://signin.aws.amazon.com/switchrole*',
];

/** Writes a minimal MV3 extension: a popup with an input, a content script, a service worker. */
function writeDummyExtension(dir) {
  const files = {
    'manifest.json': JSON.stringify({
      manifest_version: 3,
      name: 'harness self-test',
      version: '0.0.1',
      action: { default_popup: 'popup/popup.html' },
      background: { service_worker: 'worker.js' },
      permissions: ['activeTab'],
      content_scripts: [{ matches: AWS_MATCHES, js: ['content.js'] }],
    }),
    'worker.js': "self.addEventListener('install', () => {});\n",
    'content.js': "document.documentElement.dataset.cs = '1';\n",
    'popup/popup.html': '<!doctype html><html><body><input id="q" autofocus>'
      + '<script src="popup.js"></script></body></html>\n',
    'popup/popup.js': `
      document.getElementById('q').focus();
      chrome.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
        document.body.dataset.tabUrl = tab?.url ?? '';
      });
    `,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

async function sessionData(page) {
  return JSON.parse(await page.locator('meta[name="awsc-session-data"]').getAttribute('content'));
}

async function userInfoCookie(h, url) {
  const cookie = (await h.context.cookies(url)).find((c) => c.name === 'aws-userInfo');
  assert.ok(cookie, `no aws-userInfo cookie for ${url}`);
  return JSON.parse(decodeURIComponent(cookie.value));
}

describe('e2e harness', { timeout: 60_000 }, () => {
  let h;
  let extensionDir;

  before(async () => {
    extensionDir = mkdtempSync(path.join(tmpdir(), 'harness-ext-'));
    writeDummyExtension(extensionDir);
    h = await launch({ extensionDir });
  });

  beforeEach(() => h.aws.reset());

  after(async () => {
    await h?.close();
    rmSync(extensionDir, { recursive: true, force: true });
  });

  test('finds the extension id and its service worker', async () => {
    assert.match(h.extensionId, /^[a-p]{32}$/);
    const worker = await h.worker();
    assert.equal(worker.url(), `chrome-extension://${h.extensionId}/worker.js`);
  });

  test('serves the switch-role page at its AWS URL with the CSP header and no pre-filling', async () => {
    const page = await h.context.newPage();
    const response = await page.goto('https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=Admin&displayName=X&color=f2b0a9');
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-security-policy'], CSP);
    assert.equal(await page.locator('#account').inputValue(), '');
    assert.equal(await page.locator('#roleName').inputValue(), '');
    assert.equal(await page.locator('#none').isChecked(), true);
    await page.waitForFunction(() => document.documentElement.dataset.cs === '1');
    await page.waitForFunction(() => document.documentElement.dataset.fixturePage === 'switchrole');
    await page.close();
  });

  for (const [variant, accountField] of [['legacy', '#account'], ['2024', '[name="accountId"]']]) {
    test(`${variant} switch-role form POSTs all fields and the console shows the new identity`, async () => {
      h.aws.switchRoleVariant = variant;
      const page = await h.context.newPage();
      await page.goto('https://signin.aws.amazon.com/switchrole');
      await page.locator(accountField).fill('444455556666');
      await page.getByLabel(variant === 'legacy' ? 'Role*' : 'IAM role name').fill('ReadOnly');
      await page.locator('[name="displayName"]').fill('prod read');
      await page.locator('input[name="color"][value="83d4e8"]').check();
      await Promise.all([
        page.waitForURL('https://us-east-1.console.aws.amazon.com/console/home'),
        page.getByRole('button', { name: 'Switch Role' }).click(),
      ]);

      const post = await h.aws.waitForRequest((r) => r.method === 'POST' && r.path === '/switchrole');
      const account = variant === 'legacy' ? { account: '444455556666' } : { accountId: '444455556666' };
      assert.deepEqual(post.form, {
        csrf: h.aws.csrfToken, ...account, roleName: 'ReadOnly', displayName: 'prod read', color: '83d4e8',
      });
      assert.equal(post.host, 'signin.aws.amazon.com');

      const data = await sessionData(page);
      assert.equal(data.accountId, '444455556666');
      assert.equal(data.sessionARN, 'arn:aws:sts::444455556666:assumed-role/ReadOnly/alice');
      assert.equal(data.displayName, 'prod read');
      assert.equal(data.signInEndpoint, 'signin.aws.amazon.com');
      const cookie = await userInfoCookie(h, page.url());
      assert.equal(cookie.arn, data.sessionARN);
      assert.equal(await page.getByTestId('awsc-copy-accountid').textContent(), '4444-5555-6666');
      await assert.doesNotReject(page.getByTestId('awsc-nav-header').waitFor({ state: 'visible' }));
      await page.close();
    });
  }

  test('broken switch-role page has no role field', async () => {
    h.aws.switchRoleVariant = 'broken';
    const page = await h.context.newPage();
    await page.goto('https://signin.aws.amazon.com/switchrole');
    assert.equal(await page.locator('[name="roleName"]').count(), 0);
    assert.equal(await page.locator('[name="accountId"]').count(), 1);
    await page.close();
  });

  test('console hidden-form POST honours redirect_uri and checks the CSRF token', async () => {
    h.aws.consoleVariant = 'classic';
    const page = await h.openConsole();
    const token = await page.evaluate(() => window.AWSC.Auth.getMbtc());
    assert.equal(token, h.aws.csrfToken);
    assert.equal(await page.locator('#awsc-role-display-name-account').textContent(), '1111-2222-3333');
    // Post like an extension's hidden form would (the page's CSP does not restrict form-action).
    const post = (csrf) => page.evaluate(({ csrf, redirect }) => {
      const form = Object.assign(document.createElement('form'), {
        method: 'POST', action: 'https://signin.aws.amazon.com/switchrole',
      });
      const fields = { action: 'switchFromBasis', src: 'nav', mfaNeeded: '0', roleName: 'Admin',
        account: '777788889999', displayName: 'ops', color: 'f2b0a9', redirect_uri: redirect, csrf };
      for (const [name, value] of Object.entries(fields)) {
        form.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
      }
      document.body.append(form);
      form.submit();
    }, { csrf, redirect: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1' });

    await Promise.all([page.waitForURL(/signin\.aws\.amazon\.com/), post('wrong')]);
    assert.match(await page.locator('.error').textContent(), /CSRF/);
    await page.goBack();
    await Promise.all([page.waitForURL(/eu-west-1\.console/), post(h.aws.csrfToken)]);
    const data = await sessionData(page);
    assert.equal(data.accountId, '777788889999');
    assert.equal(data.infrastructureRegion, 'eu-west-1');
    await page.close();
  });

  test('console variants render their distinguishing features', async () => {
    h.aws.identity.roleName = 'Dev';

    let page = await h.openConsole({ variant: 'nocsrf' });
    assert.equal(await page.evaluate(() => window.AWSC.Auth.getMbtc()), undefined);
    await page.close();

    page = await h.openConsole({ variant: 'govcloud' });
    assert.match(page.url(), /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\//);
    const gov = await sessionData(page);
    assert.equal(gov.signInEndpoint, 'signin.amazonaws-us-gov.com');
    assert.match(gov.sessionARN, /^arn:aws-us-gov:sts::111122223333:assumed-role\/Dev\//);
    await page.waitForFunction(() => document.documentElement.dataset.cs === '1');
    await page.close();

    page = await h.openConsole({ variant: 'rerender' });
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('p'), { id: 'injected' })));
    await page.waitForFunction(() => document.documentElement.dataset.rerenders === '2');
    assert.equal(await page.locator('#injected').count(), 0);
    assert.equal(await page.getByTestId('awsc-nav-header').isVisible(), true);
    await page.close();

    page = await h.openConsole({ variant: 'hostilecss' });
    const box = await page.getByTestId('awsc-nav-header').boundingBox();
    assert.ok(box && box.height > 0 && box.width > 0, 'AWS header must stay visible on the hostile page');
    assert.equal(await page.locator('.widget').isVisible(), false, 'hostile CSS must hide plain divs');
    await page.close();
  });

  test('multi-session host prefix names the account; the switch endpoint replies JSON', async () => {
    const page = await h.openConsole('https://999900001111-xy12.us-east-1.console.aws.amazon.com/console/home');
    const data = await sessionData(page);
    assert.equal(data.accountId, '999900001111');
    assert.equal(data.prismModeEnabled, true);
    assert.equal(data.sessionDifferentiator, 'xy12');

    h.aws.multiSession.destination = 'https://222233334444-zz99.us-east-1.console.aws.amazon.com/console/home';
    const reply = await page.evaluate(async (diff) => {
      const response = await fetch(`https://signin.aws.amazon.com/sessions/${diff}/v1/switchrole`, {
        method: 'POST', credentials: 'include',
        headers: { 'content-type': 'application/json', 'X-CSRF-PROTECTION': '1' },
        body: JSON.stringify({ account: '222233334444', roleName: 'Dev', displayName: 'dev', color: 'b7ca9d', redirectUri: location.href }),
      });
      return response.json();
    }, data.sessionDifferentiator);
    assert.deepEqual(reply, { destination: h.aws.multiSession.destination });
    const request = await h.aws.waitForRequest((r) => r.path === '/sessions/xy12/v1/switchrole');
    assert.equal(request.json.account, '222233334444');
    assert.equal(request.headers['x-csrf-protection'], '1');
    await page.close();
  });

  test('requests to anything but AWS are aborted', async () => {
    const worker = await h.worker();
    await assert.rejects(worker.evaluate(() => fetch('https://example.com/')));
    assert.ok(h.aws.blocked.includes('https://example.com/'));
  });

  test('opens the real toolbar popup over the console tab and drives it', async () => {
    const page = await h.openConsole();
    await page.waitForFunction(() => document.documentElement.dataset.cs === '1');
    const popup = await h.openPopup(page);
    assert.equal(popup.url, `chrome-extension://${h.extensionId}/popup/popup.html`);
    // activeTab was granted for the console tab: the popup can read its URL.
    assert.equal(await popup.waitFor('document.body.dataset.tabUrl'), page.url());

    await popup.waitFor(() => document.activeElement?.id === 'q');
    await popup.type('Prod-1');
    await popup.press('Backspace');
    assert.equal(await popup.evaluate((id) => document.getElementById(id).value, 'q'), 'Prod-');
    await popup.evaluate(() => { window.seen = []; addEventListener('keydown', (e) => window.seen.push(e.key)); });
    for (const key of ['ArrowDown', 'ArrowUp', 'Enter']) await popup.press(key);
    assert.deepEqual(await popup.evaluate('window.seen'), ['ArrowDown', 'ArrowUp', 'Enter']);

    const shot = path.join(mkdtempSync(path.join(tmpdir(), 'harness-shot-')), 'popup.png');
    await popup.screenshot(shot);
    assert.ok(statSync(shot).size > 100);
    rmSync(path.dirname(shot), { recursive: true, force: true });

    await popup.close();
    await popup.closed();
    await page.close();
  });

  test('Escape closes the popup, as a click elsewhere would', async () => {
    const page = await h.openConsole();
    const popup = await h.openPopup(page);
    await popup.press('Escape');
    await popup.closed();
    await assert.rejects(popup.evaluate('1'), /went away|detached/);
    await page.close();
  });
});
