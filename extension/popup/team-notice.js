// @ts-check
// The popup footer's team-list notice (docs/TEAM-LISTS.md): a subscribed list
// that is stale (its last good copy in use, since when and why), and what the
// last refreshes removed or changed, shown once, the next time the popup opens.
// Reads the small record the worker keeps for it (background/subscriptions.js,
// `teamStatus` in storage.local), so it needs no answer from the worker to show.
// Kept apart from popup.js: it only fills #team-notice.
(() => {
  const { api, protocol } = /** @type {any} */ (globalThis).RS;
  const box = /** @type {HTMLElement} */ (document.getElementById('team-notice'));

  const time = (/** @type {number} */ ms) => new Date(ms).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });

  /** @param {{ stale?: { name: string, since: number, text: string }[], changes?: any }} status */
  function show(status) {
    const lines = [];
    for (const s of status.stale ?? []) {
      lines.push({ className: 'stale', text: `⚠ ${s.name}: stale since ${time(s.since)}. ${s.text}`, title: s.text });
    }
    for (const list of status.changes?.lists ?? []) {
      const parts = [];
      if (list.removed.length) parts.push(`removed ${list.removed.join(', ')}`);
      if (list.changed) parts.push(`changed ${list.changed}`);
      if (list.added) parts.push(`added ${list.added}`);
      lines.push({ className: 'changes', text: `${list.name} was updated: ${parts.join('; ')}.`, title: '' });
    }
    box.replaceChildren(...lines.map(({ className, text, title }) => {
      const p = document.createElement('p');
      p.className = className;
      p.textContent = text;
      if (title) p.title = title;
      return p;
    }));
    box.hidden = lines.length === 0;
    // Shown once: the worker forgets the changes (the stale notice stays while it is stale).
    if (status.changes) {
      protocol.send(protocol.MSG.POPUP_BG_TEAM_CHANGES_SEEN).catch(() => {});
    }
  }

  api.storage.local.get('teamStatus').then((got) => show(got.teamStatus ?? {}), () => {});
})();
