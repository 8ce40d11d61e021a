// The one place that picks the WebExtensions API object. Loaded as a classic
// script by content scripts and imported for its effect by the module pages.
globalThis.RS = globalThis.RS || {};
globalThis.RS.api = globalThis.browser ?? globalThis.chrome;
