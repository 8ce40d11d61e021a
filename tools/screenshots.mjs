// `make screenshots`: the README's pictures, made from the built extension (dist/chrome) in
// headless Chromium over the fixture AWS pages (request interception, no network), with a
// list such as a platform team has: a few groups of dev, staging and production accounts
// reached from one managing account, where the user is an IAM user (no role), as most
// people who switch roles are. Writes docs/*.png; nothing here is a test.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { launch } from '../tests/e2e/harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = path.join(root, 'docs');
const MANAGING = { accountId: '999988887777', userName: 'alice', alias: 'acme-management', region: 'eu-west-1' };
const BASE = { accountId: '999988887777', alias: 'acme-management' };
const ROLE = 'OrganizationAccountAccessRole';

/** The list: name, account, group, color, production, region, role. */
const LIST = [
  ['payments-prod', '210987654321', 'Payments', '#d0021b', true, 'eu-west-1'],
  ['payments-staging', '210987654322', 'Payments', '#fcd757', false, 'eu-west-1'],
  ['payments-dev', '210987654323', 'Payments', '#b7ca9d', false, 'eu-west-1'],
  ['data-lake-prod', '310987654321', 'Data platform', '#d0021b', true, 'eu-central-1'],
  ['data-lake-dev', '310987654323', 'Data platform', '#b7ca9d', false, 'eu-central-1'],
  ['analytics-sandbox', '310987654329', 'Data platform', '#99bcd3', false, 'eu-central-1', 'DataScientist', 'https://acme.awsapps.com/start'],
  ['identity-prod', '410987654321', 'Identity', '#d0021b', true, 'us-east-1'],
  ['identity-test', '410987654322', 'Identity', '#fcd757', false, 'us-east-1'],
  ['log-archive', '510987654321', 'Shared services', '#99bcd3', false, 'eu-west-1', 'ReadOnly'],
  ['network-hub', '510987654322', 'Shared services', '#99bcd3', false, 'eu-west-1'],
  ['security-audit', '510987654323', 'Shared services', '#99bcd3', false, 'eu-west-1', 'SecurityAudit'],
].map(([displayName, accountId, group, color, production, region, roleName = ROLE, portalUrl]) => ({
  id: displayName,
  displayName, accountId, group, color, production, region, roleName,
  // An Identity Center assignment (opened through the access portal) has no base account.
  ...(portalUrl ? { portalUrl } : { base: BASE }),
}));

const h = await launch({ extensionDir: path.join(root, 'dist/chrome') });
try {
  mkdirSync(docs, { recursive: true });
  if ((await h.seedList(LIST)) !== LIST.length) throw new Error('the list was not imported');
  const options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const send = (type, payload) => options.evaluate(([t, p]) => globalThis.RS.protocol.send(t, p), [type, payload]);
  const { environments } = await send('page-bg-get-list');
  const star = environments.find((e) => e.displayName === 'payments-prod');
  await send('popup-bg-toggle-favorite', { id: star.id });

  // The popup over the managing account's console, where the user signs in as an IAM user.
  h.aws.identity = { ...MANAGING };
  const managing = await h.openConsole({ variant: 'header2021' });
  for (const scheme of ['light', 'dark']) {
    const popup = await h.openPopup(managing);
    await popup.emulateMedia({ colorScheme: scheme });
    await popup.waitFor("performance.getEntriesByName('roleswitch:search-ready').length > 0");
    await popup.waitFor('document.getElementById("signed-in").textContent.length > 0');
    await popup.screenshot(path.join(docs, scheme === 'light' ? 'popup.png' : 'popup-dark.png'));
    if (scheme === 'light') {
      await popup.type('data');
      await popup.waitFor(`document.querySelector('#list [aria-selected="true"] .name mark')?.textContent === 'data'`);
      await popup.screenshot(path.join(docs, 'popup-filtered.png'));
    }
    await popup.close();
  }
  await managing.close();

  // The banner: a staging account (top), a production account (top, then docked at the bottom),
  // in light and dark console pages.
  const bannerShot = async (identity, file, scheme = 'light', where = 'top') => {
    h.aws.identity = { accountId: identity.accountId, roleName: ROLE, sessionName: 'alice', region: identity.region };
    const tab = await h.openConsole({ variant: 'header2021' });
    await tab.emulateMedia({ colorScheme: scheme });
    await tab.waitForSelector('roleswitch-banner', { state: 'attached' });
    await tab.waitForTimeout(300);
    const { height, width } = tab.viewportSize() ?? { width: 1280, height: 720 };
    const clip = where === 'top' ? { x: 0, y: 0, width, height: 220 } : { x: 0, y: height - 220, width, height: 220 };
    await tab.screenshot({ path: path.join(docs, file), clip });
    await tab.close();
  };
  const env = (name) => LIST.find((e) => e.displayName === name);
  await bannerShot(env('payments-staging'), 'banner.png');
  await bannerShot(env('payments-prod'), 'banner-production.png');
  await send('page-bg-save-banner-settings', { settings: { position: 'bottom' } });
  await new Promise((r) => setTimeout(r, 300)); // the lookup follows the settings through storage
  await bannerShot(env('data-lake-dev'), 'banner-bottom.png', 'light', 'bottom');
  await send('page-bg-save-banner-settings', { settings: { position: 'top' } });

  await options.reload();
  await options.locator('#envs tbody tr').first().waitFor();
  await options.screenshot({ path: path.join(docs, 'options.png') });
  // The editor on the Identity Center assignment: the kind, the portal, the permission set.
  await options.locator('#envs tbody tr:has-text("analytics-sandbox") button:has-text("Edit")').click();
  await options.locator('#portalUrl').waitFor({ state: 'visible' });
  await options.locator('#editor').screenshot({ path: path.join(docs, 'editor-identity-center.png') });
  process.stdout.write(`Screenshots written to ${docs}/\n`);
} finally {
  await h.close();
}
