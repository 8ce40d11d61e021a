// The popup's page as `make` ships it (tools/build.mjs bundlePage): its stylesheets inlined and
// its classic scripts joined into one file, in order, so that the page fetches one file before
// its first screen; and the built page in dist/ is that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSERS, bundlePage, root } from '../../tools/build.mjs';

test('stylesheets are inlined and the classic scripts joined in order; deferred and module scripts stay', () => {
  const files = { 'a.css': 'body { color: red; }\n', '../b.css': 'p {}\n', 'one.js': 'var one = 1;\n', '../two.js': 'var two = 2;\n' };
  const html = [
    '<head>',
    '  <link rel="stylesheet" href="a.css">',
    '  <link rel="stylesheet" href="../b.css">',
    '</head>',
    '<body>',
    '  <script src="one.js"></script>',
    '  <script src="../two.js"></script>',
    '  <script defer src="later.js"></script>',
    '  <script type="module" src="mod.js"></script>',
    '</body>',
    '',
  ].join('\n');
  const page = bundlePage(html, (href) => files[href], 'page.bundle.js');
  const { html: out, bundle } = page;
  assert.doesNotMatch(out, /<link rel="stylesheet"/);
  assert.ok(out.includes('<style>\nbody { color: red; }\n  </style>') && out.includes('p {}'), out);
  assert.equal(out.match(/<script src=/g).length, 1, 'one classic script left');
  assert.ok(out.includes('<script src="page.bundle.js"></script>'));
  assert.ok(out.includes('<script defer src="later.js"></script>') && out.includes('<script type="module" src="mod.js"></script>'));
  assert.ok(bundle.indexOf('var one = 1;') < bundle.indexOf('var two = 2;'), 'in the page’s order');
  // V8 reads an explicit compile hint only at the top of a script.
  assert.ok(bundle.startsWith('//# allFunctionsCalledOnLoad\n'), 'the compile hint is the first line');
  assert.doesNotMatch(bundle, /later|mod\.js/);
  assert.deepEqual(page.used, ['a.css', '../b.css', 'one.js', '../two.js']);
});

for (const browser of BROWSERS) {
  const dist = join(root, 'dist', browser, 'popup');
  test(`${browser}: the built popup fetches one script and no stylesheet, holding every script of the page as written`, { skip: !existsSync(dist) && 'dist/ not built' }, () => {
    const built = readFileSync(join(dist, 'popup.html'), 'utf8');
    assert.doesNotMatch(built, /<link rel="stylesheet"/);
    assert.deepEqual([...built.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]), ['popup.bundle.js']);
    const source = readFileSync(join(root, 'extension/popup/popup.html'), 'utf8');
    const bundle = readFileSync(join(dist, 'popup.bundle.js'), 'utf8');
    // The search's glue is built (build/pkg/), the others are sources.
    const sourceOf = (src) => (src.startsWith('../pkg/') ? join(root, 'build', src.slice('../'.length)) : join(root, 'extension/popup', src));
    const scripts = [...source.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
    assert.ok(scripts.includes('../pkg/popup_search.js'), 'the search\'s glue is one of them');
    for (const src of scripts) {
      assert.ok(bundle.includes(readFileSync(sourceOf(src), 'utf8').trimEnd()), `${src} is in the bundle`);
      // The popup's own scripts are not shipped a second time; shared ones serve other pages.
      assert.equal(existsSync(join(dist, src)), src.startsWith('../shared/'), `${src} shipped on its own`);
    }
  });
}
