// `make bench` (tools/bench-popup.mjs) puts this script first in the <head> of each
// benchmarked popup (ours, an earlier build, and the empty-popup floor), so that every one
// is timed by the same code, before any of its own scripts run. It records, in the popup's
// clock (ms since its navigation start):
// - `first`: the first screen painted: a row with a name drawn and the filter focused,
//   then the next frame (requestAnimationFrame, then a task after it: the frame's work done);
// - per key (keydown), when the DOM first shows the result (the selected row's marked name
//   is the filter's text; in a popup without a selected row, the input's own text) and
//   the frame after that.
(() => {
  const probe = (window.__probe = {
    started: performance.now(), fcp: null, ready: null, first: null, focused: null, keys: [], waiters: [],
  });
  const afterPaint = (done) => requestAnimationFrame(() => setTimeout(done, 0));
  const notify = () => {
    const waiting = probe.waiters;
    probe.waiters = [];
    for (const w of waiting) w();
  };
  const filter = () => document.querySelector('input');

  function checkFirst() {
    if (probe.ready !== null) return;
    const input = filter();
    const row = document.querySelector('#list li .name');
    if (!input || document.activeElement !== input || !row?.textContent) return;
    probe.ready = performance.now();
    afterPaint(() => {
      probe.first = performance.now();
      notify();
    });
  }

  function shows(value) {
    const selected = document.querySelector('#list li[aria-selected="true"]');
    if (!document.querySelector('#list li[aria-selected]')) return filter()?.value === value;
    const marked = [...(selected?.querySelectorAll('.name mark') ?? [])].map((m) => m.textContent).join('');
    return marked.toLowerCase() === value.trim().toLowerCase();
  }

  function checkKeys() {
    for (const key of probe.keys) {
      if (key.shown !== null || key.value === null || !shows(key.value)) continue;
      key.shown = performance.now();
      afterPaint(() => {
        key.painted = performance.now();
        notify();
      });
    }
  }

  new MutationObserver(() => {
    checkFirst();
    checkKeys();
  }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  document.addEventListener('focusin', () => {
    probe.focused ??= performance.now();
    checkFirst();
    notify();
  }, true);
  window.addEventListener('keydown', (event) => {
    if (event.key.length === 1 || event.key === 'Backspace') {
      probe.keys.push({ key: event.key, down: event.timeStamp, value: null, shown: null, painted: null });
    }
  }, true);
  // At the window, in the bubbling phase: after the popup's own handlers on the input.
  window.addEventListener('input', () => {
    const key = probe.keys.findLast((k) => k.value === null);
    if (key) key.value = filter()?.value ?? '';
    checkKeys();
  });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') probe.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
})();
