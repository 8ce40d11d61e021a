// Values as chrome.storage keeps them: JSON's values, with an object's properties in an order
// of the storage's choosing. Chromium gives them back sorted (its dictionaries are sorted
// maps), Firefox as they were written; so what was read and what was just made, compared as
// JSON text, differ for the same value.

/**
 * Whether `a` and `b` are the same value once stored: an object's properties in any order, an
 * undefined property as one that is absent, an undefined array element as null.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function sameStored(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length
      && a.every((v, i) => sameStored(v ?? null, b[i] ?? null));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const defined = (/** @type {Record<string, unknown>} */ o) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = defined(/** @type {Record<string, unknown>} */ (a));
  const kb = defined(/** @type {Record<string, unknown>} */ (b));
  return ka.length === kb.length
    && ka.every((k) => Object.hasOwn(b, k) && sameStored(/** @type {any} */ (a)[k], /** @type {any} */ (b)[k]));
}
