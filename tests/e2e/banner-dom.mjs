// Looking into the banner from a test. Its shadow root is closed, so neither the page nor
// Playwright's locators can reach inside; DevTools can: DOM.describeNode with pierce sees
// closed roots, and DOM.resolveNode hands the root to Runtime.callFunctionOn. Nothing in the
// shipped extension helps (there is no test hook).

/**
 * Runs `fn(root, host, arg)` in the page's main world with the banner's shadow root and
 * host, and returns its (JSON-able, awaited) value; `undefined` when there is no banner.
 * `fn` must be self-contained (it is sent as source).
 */
export async function inBanner(page, fn, arg) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'roleswitch-banner' });
    if (!nodeId) return undefined;
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1, pierce: true });
    const shadow = node.shadowRoots?.[0];
    if (!shadow) throw new Error('the banner has no shadow root');
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId });
    const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration: `function (arg) { return (${fn})(this, this.host, arg); }`,
      arguments: [{ value: arg ?? null }],
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) {
      throw new Error(`inBanner: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    }
    return result.value;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The banner's shadow root type as DevTools reports it ('open' or 'closed'), or null. */
export async function shadowRootType(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'roleswitch-banner' });
    if (!nodeId) return null;
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1, pierce: true });
    return node.shadowRoots?.[0]?.shadowRootType ?? null;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** What the banner shows: level ('production', 'normal' or 'unknown'), texts, its accessible name. */
export function bannerState(page) {
  return inBanner(page, (root) => {
    const bar = root.querySelector('.bar');
    const level = bar.classList.contains('unknown') ? 'unknown'
      : bar.classList.contains('production') ? 'production' : 'normal';
    return {
      level,
      label: root.querySelector('.label').textContent,
      name: root.querySelector('.name').textContent,
      meta: root.querySelector('.meta').textContent,
      summary: bar.getAttribute('aria-label'),
    };
  });
}

/** Waits until the banner is there and `predicate(bannerState)` holds; returns that state. */
export async function waitForBanner(page, predicate = () => true, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    // The page may be navigating (a switch): its document is replaced under us.
    last = await bannerState(page).catch((error) => ({ error: error.message }));
    if (last && !last.error && predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`waitForBanner: timed out; last state ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The centre of an element inside the banner (viewport coordinates), for a real mouse click. */
export function centreOf(page, selector) {
  return inBanner(page, (root, host, sel) => {
    const r = root.querySelector(sel).getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, selector);
}
