// The popup's first script, run before its stylesheets and its module script have
// loaded: it starts reading what the first screen needs (popup.js takes the results),
// so that those reads overlap the page's own loading.
(() => {
  const { api, popupCache } = globalThis.RS;
  const { NONE, KEYS, SOURCES } = popupCache;
  // A console tab's popup is opened with its page's identity (see shared/popup-cache.js).
  const identity = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : NONE;
  const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
  globalThis.RS.popupEarly = {
    identity,
    // [local sources, sync sources, { [first key]: record }, the active tab (no identity only)]
    first: settle(Promise.all([
      api.storage.local.get(SOURCES.local),
      api.storage.sync.get(SOURCES.sync),
      api.storage.session.get(KEYS.first(identity)),
      identity === NONE ? api.tabs.query({ active: true, currentWindow: true }).then(([tab]) => tab) : null,
    ])),
    keys: settle(api.storage.session.get(KEYS.keys(identity))),
  };
})();
