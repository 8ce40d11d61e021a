// Assembles dist/chrome and dist/firefox from extension/, the wasm package in
// build/pkg, and the top-level manifest.json; then zips each for its store.
//
//   node tools/build.mjs            build everything
//   node tools/build.mjs manifests  print nothing, just export the functions
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BROWSERS = ['chrome', 'firefox'];

/** The package version in Cargo.toml: the one version of the product. */
export function cargoVersion(cargoToml = readFileSync(join(root, 'Cargo.toml'), 'utf8')) {
  const pkg = cargoToml.split(/^\[/m).find((s) => s.startsWith('package]'));
  const m = pkg && pkg.match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error('Cargo.toml: no version in [package]');
  return m[1];
}

/**
 * The manifest for one browser: keys prefixed `__<browser>__` are kept
 * (unprefixed) for that browser and dropped for the others, at any depth.
 */
export function manifestFor(source, browser, version) {
  const unwrap = (value) => {
    if (Array.isArray(value)) return value.map(unwrap);
    if (value === null || typeof value !== 'object') return value;
    const out = {};
    for (const [key, v] of Object.entries(value)) {
      const m = key.match(/^__([a-z]+)__(.+)$/);
      if (!m) out[key] = unwrap(v);
      else if (!BROWSERS.includes(m[1])) throw new Error(`manifest.json: unknown browser prefix in ${key}`);
      else if (m[1] === browser) out[m[2]] = unwrap(v);
    }
    return out;
  };
  return { ...unwrap(source), version };
}

/** Every file under extension/. */
function extensionFiles(dir = join(root, 'extension')) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? extensionFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * The popup's page as shipped: its stylesheets inlined and its classic scripts (the ones
 * loaded in order, not deferred) joined into one file next to it, so that the browser
 * fetches one file before the first screen instead of eight (each an extension resource,
 * read through the browser process). `html` is the page as written; `read(path)` reads a
 * file relative to the page. Returns `{ html, bundle, used }`, `used` the files it took in.
 */
export function bundlePage(html, read, bundleName) {
  const inlined = [];
  const styles = html.replace(/^([ \t]*)<link rel="stylesheet" href="([^"]+)">\n/gm, (_, indent, href) => {
    inlined.push(href);
    return `${indent}<style>\n${read(href).trimEnd()}\n${indent}</style>\n`;
  });
  const scripts = [];
  const joined = styles.replace(/^([ \t]*)<script src="([^"]+)"><\/script>\n/gm, (_, indent, src) => {
    scripts.push(src);
    return scripts.length === 1 ? `${indent}<script src="${bundleName}"></script>\n` : '';
  });
  // The first line asks V8 to compile every function as the file is compiled (an explicit
  // compile hint; other engines read a comment): each function the page runs is compiled
  // before the first screen's reads come back, not in the middle of drawing it.
  const bundle = '//# allFunctionsCalledOnLoad\n'
    + `// Built by tools/build.mjs from ${scripts.join(', ')} (in that order).\n`
    + scripts.map((src) => `// ${src}\n${read(src).trimEnd()}\n`).join('');
  return { html: joined, bundle, used: [...inlined, ...scripts] };
}

function build() {
  const version = cargoVersion();
  const source = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const pkg = join(root, 'build', 'pkg');
  if (!existsSync(join(pkg, 'roleswitch_bg.wasm'))) {
    throw new Error('build/pkg/roleswitch_bg.wasm is missing: run `make` (it builds the wasm first)');
  }
  if (!existsSync(join(pkg, 'roleswitch-factory.js'))) {
    throw new Error('build/pkg/roleswitch-factory.js is missing: run `make` (tools/glue-factory.mjs writes it)');
  }
  const direct = extensionFiles().filter((f) => f.endsWith('.js') && /pkg\/roleswitch\.js/.test(readFileSync(f, 'utf8')));
  if (direct.length) {
    throw new Error(`${direct.join(', ')}: load the core through shared/core.js (openCore), not pkg/roleswitch.js, so that it is restarted after a trap`);
  }
  for (const browser of BROWSERS) {
    const out = join(root, 'dist', browser);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    cpSync(join(root, 'extension'), out, { recursive: true });
    // The glue ships as its factory only (shared/core.js); type declarations are for `make lint`.
    const shipped = (p) => !p.endsWith('.gitignore') && !p.endsWith('/roleswitch.js') && !p.endsWith('.d.ts');
    cpSync(pkg, join(out, 'pkg'), { recursive: true, filter: shipped });
    const popupDir = join(out, 'popup');
    const page = bundlePage(readFileSync(join(popupDir, 'popup.html'), 'utf8'),
      (href) => readFileSync(join(popupDir, href), 'utf8'), 'popup.bundle.js');
    writeFileSync(join(popupDir, 'popup.html'), page.html);
    writeFileSync(join(popupDir, 'popup.bundle.js'), page.bundle);
    // The popup's own files (and its search's glue) are in the page or the bundle now; shared/
    // ones serve other pages too.
    const own = (f) => !f.startsWith('../shared/');
    for (const file of page.used.filter(own)) rmSync(join(popupDir, file));
    const manifest = manifestFor(source, browser, version);
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const zip = join(root, 'dist', `roleswitch-${browser}-${version}.zip`);
    rmSync(zip, { force: true });
    execFileSync('zip', ['-qr', '-X', zip, '.'], { cwd: out });
    console.log(`built dist/${browser}/ and dist/roleswitch-${browser}-${version}.zip`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
