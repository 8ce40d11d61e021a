// IAM Identity Center in headless Firefox ESR: a console page of a portal session shows the
// assignment's banner with the permission set (never the reserved role name); the popup opens
// the access portal's shortcut link; the copy-link command copies it for a teammate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, extensionDirectory, inBanner, DEFAULT_IDENTITY } from './harness.mjs';

async function poll(fn, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const PORTAL = 'https://acme.awsapps.com/start';
const ENVS = [
  // An IAM role whose name is the permission set's, in the same account: a separate entry.
  { id: 'iam', displayName: 'prod-iam', accountId: '444455556666', roleName: 'Read_Only' },
  { id: 'sso-prod', displayName: 'sso-prod', accountId: '444455556666', roleName: 'Read_Only', production: true, region: 'us-west-2', portalUrl: PORTAL },
  { id: 'sso-dev', displayName: 'sso-dev', accountId: '777788889999', roleName: 'AdministratorAccess', region: 'eu-west-1', portalUrl: PORTAL },
];
const IC_SESSION = {
  ...DEFAULT_IDENTITY, accountId: '444455556666', roleName: 'AWSReservedSSO_Read_Only_0123456789abcdef', region: 'us-west-2',
};

let h;

before(async () => {
  h = await launch({ extensionDir: extensionDirectory(root) });
  assert.equal(await h.seedList(ENVS), 3);
});

after(async () => {
  await h?.close();
});

test('a console page of an Identity Center session: the assignment’s banner, with the permission set', async () => {
  h.aws.reset();
  h.aws.identity = { ...IC_SESSION };
  const tab = await h.openConsole();
  const seen = await poll(() => inBanner(tab, (shadow) => {
    const name = shadow.querySelector('.name')?.textContent;
    return name ? { name, meta: shadow.querySelector('.meta').textContent, text: shadow.querySelector('.bar').innerText } : null;
  }).catch(() => null), 10_000, 'no banner');
  assert.equal(seen.name, 'sso-prod');
  assert.equal(seen.meta, '4444-5555-6666 · Read_Only');
  assert.doesNotMatch(seen.text, /AWSReserved/i);
  await tab.close();
});

test('the popup opens an Identity Center environment through the portal shortcut, to this page in its region', async () => {
  h.aws.reset();
  const tab = await h.openConsole({ url: 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1' });
  const popup = await h.openPopup(tab);
  await popup.waitFor((d) => d.querySelectorAll('#list li').length === 3);
  await popup.type('sso-dev');
  await popup.waitFor((d) => d.querySelector('#list [aria-selected="true"] .name')?.textContent === 'sso-dev');
  await popup.press('Enter');
  const url = await tab.waitForUrl(/^https:\/\/acme\.awsapps\.com\//);
  const u = new URL(url);
  assert.equal(u.pathname, '/start/');
  const route = new URLSearchParams(u.hash.slice('#/console?'.length));
  assert.deepEqual(Object.fromEntries(route), {
    account_id: '777788889999',
    role_name: 'AdministratorAccess',
    destination: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1',
  });
  assert.equal(h.aws.requests.filter((r) => r.method === 'POST').length, 0, 'no switch-role post');
  await tab.close();
});
