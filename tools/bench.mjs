// `make bench`: prints benchmark figures, one section each. Not a test: the
// numbers are for people to read (and compare between commits).
//
//   node tools/bench.mjs            every section
//   node tools/bench.mjs banner     one section
//
// Sections need `make` first (they load dist/chrome into headless Chromium).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/harness.mjs';
import { popup } from './bench-popup.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}
const ms = (v) => `${v.toFixed(1)} ms`;
const row = (label, values) => console.log(
  `  ${label.padEnd(44)} median ${ms(quantile(values, 0.5)).padStart(9)}   p95 ${ms(quantile(values, 0.95)).padStart(9)}`,
);

// Runs in the page's main world before any of its scripts: when the banner
// element first appears, and the first contentful paint.
const PROBE = () => {
  const probe = (window.__rsProbe = { inserted: null, fcp: null });
  const seen = () => {
    if (probe.inserted === null && document.querySelector('roleswitch-banner')) {
      probe.inserted = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') probe.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
};

/** The banner: time to insertion and to first contentful paint over many loads of a console page. */
async function banner({ loads = 60 } = {}) {
  console.log(`banner (${loads} loads of the fixture console page, production account, headless Chromium)`);
  const h = await launch({ extensionDir: `${root}/dist/chrome` });
  try {
    const options = await h.context.newPage();
    await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    await options.evaluate(() => globalThis.RS.protocol.send(globalThis.RS.protocol.MSG.PAGE_BG_LOAD_EXAMPLE));
    const worker = await h.worker();
    for (let i = 0; i < 100; i++) {
      const has = await worker.evaluate(async () => Boolean((await chrome.storage.local.get('bannerLookup')).bannerLookup?.accounts?.['444455556666']));
      if (has) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await options.close();
    await h.context.addInitScript(PROBE);
    h.aws.identity = { ...h.aws.identity, accountId: '444455556666', roleName: 'OrganizationAccountAccessRole' };
    h.aws.consoleVariant = 'header2021';

    const page = await h.context.newPage();
    const cdp = await h.context.newCDPSession(page);
    let isolated = null;
    cdp.on('Runtime.executionContextCreated', ({ context }) => {
      if (context.origin === `chrome-extension://${h.extensionId}` || context.name === 'Roleswitch for AWS') isolated = context.id;
    });
    await cdp.send('Runtime.enable');

    const url = 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1';
    const inserted = [];
    const fcp = [];
    const lookupAt = [];
    const started = [];
    const busy = [];
    let present = 0;
    let counted = 0;
    for (let i = 0; i < loads + 3; i++) {
      isolated = null;
      await page.goto(`${url}&n=${i}`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.__rsProbe.fcp !== null && window.__rsProbe.inserted !== null, null, { timeout: 5000 });
      await page.waitForTimeout(50);
      const probe = await page.evaluate(() => window.__rsProbe);
      let stats = null;
      if (isolated !== null) {
        const { result } = await cdp.send('Runtime.evaluate', {
          expression: 'JSON.stringify(globalThis.RS?.bannerStats ?? null)', contextId: isolated, returnByValue: true,
        });
        stats = JSON.parse(result.value);
      }
      if (i < 3) continue; // warm-up: the first loads compile the scripts
      counted += 1;
      inserted.push(probe.inserted);
      fcp.push(probe.fcp);
      if (probe.inserted <= probe.fcp) present += 1;
      if (stats) {
        busy.push(stats.busyMs);
        started.push(stats.started);
        if (stats.lookupAt !== null) lookupAt.push(stats.lookupAt);
      }
    }
    row('navigation start → banner inserted', inserted);
    row('navigation start → first contentful paint', fcp);
    if (started.length) row('navigation start → content script start', started);
    if (lookupAt.length) row('navigation start → lookup read from storage', lookupAt);
    console.log(`  banner present at first contentful paint      ${present}/${counted} loads (${(100 * present / counted).toFixed(0)}%)`);
    if (busy.length) row('content script main-thread time per load', busy);
    else console.log('  content script main-thread time per load     (could not reach the content script world)');
  } finally {
    await h.close();
  }
}

/** A realistic AWS Extend Switch Roles file: one base account and `n` targets in three styles. */
export function aesrFile(n) {
  const out = ['; generated for the benchmark', '[org-management]', 'aws_account_id = 999988887777', ''];
  for (let i = 0; i < n; i++) {
    const account = String(100000000000 + i * 7919).padStart(12, '0');
    if (i % 3 === 0) {
      out.push(`[profile team-${i}-prod]`, `aws_account_id = ${account}`, 'role_name = Admin', 'color = f2b0a9', 'region = eu-west-1', '');
    } else if (i % 3 === 1) {
      out.push(`[team-${i}-dev]`, `role_arn = arn:aws:iam::${account}:role/path/Developer`, 'source_profile = org-management', 'color = b7ca9d', '');
    } else {
      out.push(`[profile team-${i}-test]`, `aws_account_id = ${account}`, 'role_name = ReadOnly', 'source_profile = org-management', '; a comment', '');
    }
  }
  return out.join('\n');
}

function timeRuns(fn, runs) {
  for (let i = 0; i < 3; i++) fn(); // warm up both engines' code paths
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times;
}

// Parse + validate a 5,000-profile AESR file, its format detected as the options page does by
// default: the core (wasm, result converted into JS values) against aesr-config, the parser the
// AESR extension uses, in one Node process.
async function parse({ profiles = 5000, runs = 30 } = {}) {
  console.log(`parse: ${profiles}-profile AWS Extend Switch Roles file (format detected), ${runs} runs each, same Node process`);
  const core = await import(`${root}/build/pkg/roleswitch.js`);
  await core.default({ module_or_path: readFileSync(`${root}/build/pkg/roleswitch_bg.wasm`) });
  const { ConfigParser } = await import('aesr-config');
  const text = aesrFile(profiles);
  const check = core.parseImport(text, null, null);
  if (!check.ok || check.environments.length !== profiles) throw new Error(`the benchmark file did not parse: ${JSON.stringify(check.errors.slice(0, 3))}`);
  const theirCount = ConfigParser.parseIni(text).singles.length + ConfigParser.parseIni(text).complexes.reduce((n, c) => n + c.targets.length, 0);
  const ours = timeRuns(() => core.parseImport(text, null, null), runs);
  const theirs = timeRuns(() => ConfigParser.parseIni(text), runs);
  // What the engine alone spends turning the result's JSON text into objects:
  // a floor under ours that no work in the wasm can lower.
  const resultText = JSON.stringify(check);
  const jsonParse = timeRuns(() => JSON.parse(resultText), runs);
  console.log(`  file: ${(text.length / 1024).toFixed(0)} KiB; environments: ours ${check.environments.length}, aesr-config ${theirCount}`);
  row('roleswitch core (wasm): parse + validate + to JS', ours);
  row(`  of which: JSON.parse of the ${(resultText.length / 1024).toFixed(0)} KiB result`, jsonParse);
  row('aesr-config 0.6.0: parse', theirs);
  const ratio = quantile(theirs, 0.5) / quantile(ours, 0.5);
  console.log(`  median ratio aesr-config / ours: ${ratio.toFixed(2)}× (goal: 5×, i.e. ours within ${ms(quantile(theirs, 0.5) / 5)})`);
}

function size() {
  const wasm = readFileSync(`${root}/dist/chrome/pkg/roleswitch_bg.wasm`);
  const glue = readFileSync(`${root}/dist/chrome/pkg/roleswitch.js`);
  const kib = (b) => `${(b.length / 1024).toFixed(1)} KiB`;
  console.log('size: shipped files (after wasm-opt -Oz)');
  console.log(`  wasm: ${kib(wasm)} raw, ${kib(gzipSync(wasm, { level: 9 }))} gzipped`);
  console.log(`  wasm-bindgen JS glue: ${kib(glue)} raw, ${kib(gzipSync(glue, { level: 9 }))} gzipped`);
  // The popup's own wasm (search only, -O3): not needed for its first paint.
  const popupWasm = readFileSync(`${root}/dist/chrome/pkg/popup_search_bg.wasm`);
  console.log(`  popup's search wasm (-O3): ${kib(popupWasm)} raw, ${kib(gzipSync(popupWasm, { level: 9 }))} gzipped`);
}

const SECTIONS = { size, parse, banner, popup };

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!SECTIONS[name]) throw new Error(`unknown bench section "${name}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
}
for (const [name, run] of Object.entries(SECTIONS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  await run();
  console.log();
}
