// The popup's side of the rows the core writes (src/popup/rows.rs): one text for the
// whole list, rows separated by U+001E, fields by U+001F in ROW_FIELDS order (the first
// screen's and the first keys' rows, and each row its search gives, are such rows); and of
// the search highlights the popup's wasm returns (Highlights::flat). Pinned to the core
// by tests/js/popup-rows.test.mjs. A classic script (RS.popupRows).
(() => {
  const RS = (globalThis.RS = globalThis.RS || {});

  const ROW_SEPARATOR = '\u001e';
  const FIELD_SEPARATOR = '\u001f';

  /**
   * What the popup draws of one row: `{ id, displayName, accountId, account, roleName, color, production }`
   * (`account` as shown, `1111-2222-3333`).
   */
  function readRow(row) {
    const [id, displayName, accountId, account, roleName, color, production] = row.split(FIELD_SEPARATOR);
    return { id, displayName, accountId, account, roleName, color, production: production === '1' };
  }

  /** `{ displayName, accountId, roleName }`: each a list of `{ start, end }` (UTF-16 offsets). */
  function decodeHighlights(flat) {
    const out = {};
    let at = 0;
    for (const field of ['displayName', 'accountId', 'roleName']) {
      const ranges = [];
      const n = flat[at++] ?? 0;
      for (let k = 0; k < n; k++) ranges.push({ start: flat[at++], end: flat[at++] });
      out[field] = ranges;
    }
    return out;
  }

  RS.popupRows = Object.freeze({ ROW_SEPARATOR, FIELD_SEPARATOR, readRow, decodeHighlights });
})();
