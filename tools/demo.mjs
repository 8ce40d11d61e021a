// `make demo`: the extension at work without an AWS account. Starts Debian's
// Chromium with dist/chrome in a fresh profile, imports the example list, and
// serves the fixture AWS pages at their real URLs (request interception, no
// network). It opens a production console page with its banner and the
// toolbar popup over it. With a display it stays open for you to try (Ctrl+C
// ends it); without one it runs headless and writes screenshots to a folder.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { launch } from '../tests/e2e/harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.argv.includes('--headless');
const shots = path.join(root, 'demo-screenshots');

const h = await launch({ extensionDir: path.join(root, 'dist/chrome'), headless: !headed });
try {
  const options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await options.evaluate(async () => {
    const { protocol } = globalThis.RS;
    const { environments } = await protocol.send(protocol.MSG.PAGE_BG_GET_LIST);
    if (!environments.length) await protocol.send(protocol.MSG.PAGE_BG_LOAD_EXAMPLE);
  });
  await options.reload();

  // Signed in to the example's production account, as after a switch.
  h.aws.identity = { ...h.aws.identity, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' };
  const console = await h.openConsole({ variant: 'header2021' });
  await console.waitForSelector('roleswitch-banner', { state: 'attached' });

  if (headed) {
    process.stdout.write([
      'Roleswitch demo: a Chromium window with the extension and the example list.',
      '- The tab shows the production console with its banner; the options page is the other tab.',
      '- Open the popup with the toolbar button or Alt+Shift+A, type, and press Enter to switch:',
      '  the fixture sign-in page is filled and the console of the chosen account opens.',
      'Ctrl+C ends the demo.',
      '',
    ].join('\n'));
    await new Promise((resolve) => {
      process.on('SIGINT', resolve);
      h.context.on('close', resolve);
    });
  } else {
    mkdirSync(shots, { recursive: true });
    await options.screenshot({ path: path.join(shots, 'options.png'), fullPage: true });
    await console.screenshot({ path: path.join(shots, 'console-production.png') });
    const popup = await h.openPopup(console);
    await popup.waitFor('document.querySelectorAll("[role=option]").length > 0');
    await popup.screenshot(path.join(shots, 'popup.png'));
    await popup.type('test');
    await new Promise((r) => setTimeout(r, 200));
    await popup.screenshot(path.join(shots, 'popup-filtered.png'));
    await popup.press('Enter');
    await h.aws.waitForRequest((r) => r.path === '/switchrole' && r.method === 'POST');
    await new Promise((r) => setTimeout(r, 1000));
    const pages = h.context.pages();
    await pages[pages.length - 1].screenshot({ path: path.join(shots, 'console-after-switch.png') });
    process.stdout.write(`No display: ran headless. Screenshots of each step are in ${shots}/\n`);
  }
} finally {
  await h.close();
}
