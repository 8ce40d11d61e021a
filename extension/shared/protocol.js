// The typed message protocol between the extension's pieces. Every message is
// `{ type, ...payload }`; types name their direction: <from>-<to>-<what>.
// Replies are `{ result }` or `{ error }`. The background checks each message
// against SHAPES and each sender against the type's allowed senders.
(() => {
  const RS = (globalThis.RS = globalThis.RS || {});

  const MSG = Object.freeze({
    PAGE_BG_GET_LIST: 'page-bg-get-list',
    PAGE_BG_SAVE_ENV: 'page-bg-save-env',
    PAGE_BG_DELETE_ENV: 'page-bg-delete-env',
    PAGE_BG_LOAD_EXAMPLE: 'page-bg-load-example',
    PAGE_BG_APPLY_IMPORT: 'page-bg-apply-import',
    PAGE_BG_DISCARD_UNREADABLE: 'page-bg-discard-unreadable',
    PAGE_BG_GET_SETTINGS: 'page-bg-get-settings',
    PAGE_BG_SAVE_SETTINGS: 'page-bg-save-settings',
    POPUP_BG_GET_VIEW: 'popup-bg-get-view',
    POPUP_BG_SWITCH: 'popup-bg-switch',
    POPUP_BG_TOGGLE_FAVORITE: 'popup-bg-toggle-favorite',
    PAGE_BG_GET_BANNER_SETTINGS: 'page-bg-get-banner-settings',
    PAGE_BG_SAVE_BANNER_SETTINGS: 'page-bg-save-banner-settings',
    CS_BG_PAGE_CUES: 'cs-bg-page-cues',
    CS_BG_ADD_ACCOUNT: 'cs-bg-add-account',
    CS_BG_TAKE_FILL: 'cs-bg-take-fill',
    CS_BG_PAGE_SIGNALS: 'cs-bg-page-signals',
    // From the background to a console page's content script (fastpath.js).
    BG_CS_PAGE_CONTEXT: 'bg-cs-page-context',
    BG_CS_POST_FORM: 'bg-cs-post-form',
    BG_CS_SESSION_SWITCH: 'bg-cs-session-switch',
  });

  // Payload fields and their `typeof` (a trailing ? means optional).
  const SHAPES = Object.freeze({
    [MSG.PAGE_BG_GET_LIST]: {},
    [MSG.PAGE_BG_SAVE_ENV]: { input: 'object', expected: 'object?' },
    [MSG.PAGE_BG_DELETE_ENV]: { id: 'string' },
    [MSG.PAGE_BG_LOAD_EXAMPLE]: {},
    [MSG.PAGE_BG_APPLY_IMPORT]: { environments: 'object', mode: 'string', revision: 'number' },
    [MSG.PAGE_BG_DISCARD_UNREADABLE]: {},
    [MSG.PAGE_BG_GET_BANNER_SETTINGS]: {},
    [MSG.PAGE_BG_SAVE_BANNER_SETTINGS]: { settings: 'object' },
    // The page's account and role as the content script read them (absent: unknown).
    [MSG.CS_BG_PAGE_CUES]: { accountId: 'string?', roleName: 'string?' },
    [MSG.CS_BG_ADD_ACCOUNT]: { accountId: 'string', roleName: 'string?' },
    [MSG.PAGE_BG_GET_SETTINGS]: {},
    [MSG.PAGE_BG_SAVE_SETTINGS]: { settings: 'object' },
    // When the popup cannot use what the worker stored: `{ first, view, rows }` made now.
    [MSG.POPUP_BG_GET_VIEW]: {},
    [MSG.POPUP_BG_SWITCH]: { id: 'string', back: 'boolean?' },
    // Stars the environment, or unstars it; the reply is the popup's new `{ view }`.
    [MSG.POPUP_BG_TOGGLE_FAVORITE]: { id: 'string' },
    [MSG.CS_BG_TAKE_FILL]: { url: 'string' },
    // The page's raw signals (as BG_CS_PAGE_CONTEXT answers them), whenever they change.
    [MSG.CS_BG_PAGE_SIGNALS]: { signals: 'object' },
    [MSG.BG_CS_PAGE_CONTEXT]: {},
    [MSG.BG_CS_POST_FORM]: { plan: 'object' },
    [MSG.BG_CS_SESSION_SWITCH]: { plan: 'object' },
  });

  // Who may send each type: extension pages, console pages, switch-role pages,
  // the background (checked by the receiving content script: no tab, our id).
  const SENDERS = Object.freeze({
    [MSG.PAGE_BG_GET_LIST]: ['page'],
    [MSG.PAGE_BG_SAVE_ENV]: ['page'],
    [MSG.PAGE_BG_DELETE_ENV]: ['page'],
    [MSG.PAGE_BG_LOAD_EXAMPLE]: ['page'],
    [MSG.PAGE_BG_APPLY_IMPORT]: ['page'],
    [MSG.PAGE_BG_DISCARD_UNREADABLE]: ['page'],
    [MSG.PAGE_BG_GET_SETTINGS]: ['page'],
    [MSG.PAGE_BG_SAVE_SETTINGS]: ['page'],
    [MSG.POPUP_BG_GET_VIEW]: ['page'],
    [MSG.POPUP_BG_SWITCH]: ['page'],
    [MSG.POPUP_BG_TOGGLE_FAVORITE]: ['page'],
    [MSG.PAGE_BG_GET_BANNER_SETTINGS]: ['page'],
    [MSG.PAGE_BG_SAVE_BANNER_SETTINGS]: ['page'],
    [MSG.CS_BG_PAGE_CUES]: ['console'],
    [MSG.CS_BG_ADD_ACCOUNT]: ['console'],
    [MSG.CS_BG_TAKE_FILL]: ['signin'],
    [MSG.CS_BG_PAGE_SIGNALS]: ['console'],
    [MSG.BG_CS_PAGE_CONTEXT]: ['background'],
    [MSG.BG_CS_POST_FORM]: ['background'],
    [MSG.BG_CS_SESSION_SWITCH]: ['background'],
  });

  /** Why `msg` is not a well-formed message, or null when it is. */
  function checkMessage(msg) {
    if (msg === null || typeof msg !== 'object') return 'a message must be an object';
    const shape = SHAPES[msg.type];
    if (!shape) return `unknown message type ${JSON.stringify(msg.type)}`;
    for (const [field, spec] of Object.entries(shape)) {
      const optional = spec.endsWith('?');
      const want = optional ? spec.slice(0, -1) : spec;
      const value = msg[field];
      if (value === undefined && optional) continue;
      if (typeof value !== want || value === null) return `${msg.type}: ${field} must be a ${want}`;
    }
    return null;
  }

  /** Sends a message to the background and returns its result, or throws its error. */
  async function send(type, payload = {}) {
    const msg = { type, ...payload };
    const problem = checkMessage(msg);
    if (problem) throw new Error(problem);
    const reply = await RS.api.runtime.sendMessage(msg);
    if (!reply) throw new Error('The extension did not answer; reload the page and try again.');
    if ('error' in reply) throw new Error(reply.error);
    return reply.result;
  }

  RS.protocol = Object.freeze({ MSG, SHAPES, SENDERS, checkMessage, send });
})();
