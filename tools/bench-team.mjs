// `make bench`'s team section, in the extension: a 5,000-entry subscription refreshed by the
// service worker of the built extension (headless Chromium), and the real toolbar popup
// opened over a console tab right after each refresh, against opens with no refresh before
// them. The published file is served through request interception (as in
// tests/e2e/team-lists.test.mjs); the permission prompt is stood in for in the worker.
//
// A refresh is timed in the worker, from `teamLists.refresh(url)` to its promise resolving:
// fetch, the core's applyRefresh, the write to storage.local. The popup's figure is its probe's
// (tools/bench-probe.js): from its navigation start to the first screen painted, filter focused.
// The refreshes take turns: with changes (50 entries renamed, a new ETag), a `304 Not
// Modified`, and the same file again (`200`, the server ignoring the conditional request).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, generatedEnvironments, serveToExtension } from '../tests/e2e/harness.mjs';
import { settle, WAIT_SHOWN, withProbe } from './bench-popup.mjs';

const HOST = 'lists.example.test';
const URL = `https://${HOST}/aws/roleswitch.json`;
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** The 5,000 entries, every hundredth one's name tagged with `version`. */
function fileOf(list, version) {
  const environments = list.map((e, i) => (i % 100 === 0 ? { ...e, displayName: `${e.displayName} v${version}` } : e));
  return JSON.stringify({ version: 1, environments });
}

/**
 * @param {{ root: string, n?: number, runs?: number, row: (label: string, values: number[]) => void }} options
 */
export async function teamInExtension({ root, n = 5000, runs = 4, row }) {
  console.log(`team lists in the extension: a ${n.toLocaleString('en')}-entry subscription refreshed by the service worker, `
    + `then the real toolbar popup opened over a console tab; ${runs} rounds (p95 of ${runs}: the worst), after one warm-up open; headless Chromium`);
  const work = mkdtempSync(path.join(tmpdir(), 'roleswitch-bench-team-'));
  const probe = readFileSync(path.join(root, 'tools/bench-probe.js'), 'utf8');
  const build = withProbe(path.join(root, 'dist/chrome'), probe, work, 'ours');
  const h = await launch({ extensionDir: build.dir, popupPath: build.popupPath });
  try {
    const list = generatedEnvironments(n).map((e, i) => ({ id: `t${i}`, color: '#b7ca9d', ...e }));
    // What the server answers: the body, its ETag, and whether it answers 304 to a matching If-None-Match.
    let served = { body: fileOf(list, 0), etag: '"v0"', conditional: true };
    await serveToExtension(h, `https://${HOST}/**`, async (request) => {
      const wanted = (await request.allHeaders())['if-none-match'];
      if (served.conditional && wanted === served.etag) return { status: 304, headers: { etag: served.etag } };
      return { status: 200, contentType: 'application/json', headers: { etag: served.etag }, body: served.body };
    });
    const worker = await h.worker();
    const subscribed = await worker.evaluate(async (url) => {
      await globalThis.RS.coreHost.ready;
      const teams = globalThis.RS.teamLists;
      teams.hasPermission = async () => true; // the user allowed the host when subscribing
      // Times each download inside a refresh, to tell the fetch (through DevTools interception) from the rest.
      const download = teams.download.bind(teams);
      teams.download = async (state) => {
        const start = performance.now();
        try {
          return await download(state);
        } finally {
          globalThis.lastDownloadMs = performance.now() - start;
        }
      };
      const result = await teams.subscribe(url, 'Platform');
      return { ok: result.ok, outcome: result.outcome, count: result.state?.lastGood?.environments.length };
    }, URL);
    if (!subscribed.ok || subscribed.count !== n) throw new Error(`subscribing failed: ${JSON.stringify(subscribed)}`);
    const tab = await h.openConsole({ variant: 'header2021' });
    await sleep(1500); // the console tab has reported, the worker's caches are made

    const refresh = () => worker.evaluate(async (url) => {
      const start = performance.now();
      const result = await globalThis.RS.teamLists.refresh(url);
      return { ms: performance.now() - start, fetchMs: globalThis.lastDownloadMs, outcome: result.outcome, changed: result.changes.changed.length };
    }, URL);
    const open = async () => {
      const popup = await h.openPopup(tab, { waitUntil: null, pollMs: 2 });
      try {
        await settle(popup, WAIT_SHOWN);
        return await popup.evaluate(() => window.__probe.first);
      } finally {
        await Promise.race([popup.close(), sleep(1000)]);
      }
    };

    let version = 0;
    const kinds = [
      ['changed', '50 entries changed (new ETag)', () => {
        version += 1;
        served = { body: fileOf(list, version), etag: `"v${version}"`, conditional: true };
      }, (r) => r.outcome === 'accepted' && r.changed === 50],
      ['notModified', 'unchanged: 304 Not Modified', () => {
        served = { ...served, conditional: true };
      }, (r) => r.outcome === 'notModified'],
      ['same', 'unchanged: the same file again (200)', () => {
        served = { ...served, conditional: false };
      }, (r) => r.outcome === 'accepted' && r.changed === 0],
    ];
    const results = new Map(kinds.map(([key]) => [key, { apply: [], fetch: [], open: [] }]));
    const idle = [];
    await open(); // warm-up: the first open compiles the popup's scripts
    for (let i = 0; i < runs; i++) {
      // A popup open with no refresh before it (the worker warm, its caches made).
      await sleep(300);
      idle.push(await open());
      for (const [key, , serve, expected] of kinds) {
        serve();
        const r = await refresh();
        if (!expected(r)) throw new Error(`refresh "${key}": unexpected ${JSON.stringify(r)}`);
        const opened = await open(); // right after: nothing waited for
        const into = results.get(key);
        into.apply.push(r.ms);
        into.fetch.push(r.fetchMs);
        into.open.push(opened);
      }
    }
    for (const [key, label] of kinds) {
      const r = results.get(key);
      console.log(`  ${label}`);
      row('  refresh in the worker (fetch, apply, store)', r.apply);
      row('    of which the fetch (DevTools interception)', r.fetch);
      row('  popup open right after → first screen', r.open);
    }
    row('popup open, no refresh before it → first screen', idle);
  } finally {
    await h.close();
    rmSync(work, { recursive: true, force: true });
  }
}
