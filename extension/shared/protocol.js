// @ts-check
// The typed message protocol between the extension's pieces. Every message is
// `{ type, ...payload }`; types name their direction: <from>-<to>-<what>.
// Replies are `{ result }` or `{ error }`. The background checks each message
// against SHAPES and each sender against the type's allowed senders. The JSDoc
// types below are checked by `make lint` (tsc --checkJs) wherever they are used.

/**
 * An environment as the core validated it (see src/model.rs).
 * @typedef {{ id: string, accountId: string, roleName: string, displayName: string, color: string,
 *   region?: string, partition?: string, production: boolean, group?: string,
 *   base?: { accountId?: string, alias?: string, roleName?: string }, titlePrefix?: string }} Environment
 */
/** @typedef {{ raw: unknown, reason: string }} Unreadable */
/**
 * @typedef {{ mode: 'sync' | 'local' | 'retrying', reason?: string, bytes?: number,
 *   quotaBytes?: number, attempt?: number, retryAt?: number }} SyncStatus
 */
/**
 * The list as the options page sees it.
 * @typedef {{ environments: Environment[], revision: number, unreadable: Unreadable[],
 *   moreUnreadable: number, repairs: string[], syncNotes: string[], area: 'sync' | 'local',
 *   sync: SyncStatus }} ListState
 */
/** @typedef {{ field: string, message: string }} FieldError */
/**
 * @typedef {{ ok: true, environment: Environment, environments: Environment[], errors: [] }
 *   | { ok: false, errors: FieldError[], conflict?: 'changed' | 'deleted', current?: Environment | null }} SaveReply
 */
/** @typedef {{ outcome: string, message?: string, url?: string }} SwitchReply */
/**
 * The core's offer on a console page whose host names an account this browser has no
 * session in (`sessionlessOffer`); `opened`: what the worker did when the setting
 * `openSessionlessAutomatically` opened the one environment itself.
 * @typedef {{ accountId: string, message: string, offers: { id: string, label: string }[],
 *   more: number, automatic: string | null, opened?: SwitchReply }} SessionlessOffer
 */
/**
 * Team lists (background/subscriptions.js): each subscription's state as the core keeps it
 * (`SubscriptionState`), whether browser policy set it, the merged entries (`MergedEntry`),
 * the policy as the core read it, and the refresh interval (null: the default).
 * @typedef {{ subscriptions: { state: any, managed: boolean }[], entries: any[], stale: any[],
 *   dormantOverrides: number, managed: { settings: any, errors: string[] }, interval: number | null }} TeamOverview
 */
/** @typedef {{ state: any, outcome: string, changes: { added: any[], changed: any[], removed: any[] }, leftOut: any[] }} RefreshReply */

/**
 * Each request's payload (besides `type`), by type.
 * @typedef {{
 *   'page-bg-get-list': {},
 *   'page-bg-save-env': { input: object, expected?: Environment },
 *   'page-bg-delete-env': { id: string },
 *   'page-bg-load-example': {},
 *   'page-bg-apply-import': { environments: Environment[], mode: string, revision: number },
 *   'page-bg-discard-unreadable': {},
 *   'page-bg-get-settings': {},
 *   'page-bg-save-settings': { settings: object },
 *   'page-bg-get-team-lists': {},
 *   'page-bg-subscribe': { url: string, name?: string, group?: string },
 *   'page-bg-unsubscribe': { url: string },
 *   'page-bg-refresh-team-list': { url: string, acceptShrink?: boolean },
 *   'page-bg-set-team-override': { change: object },
 *   'page-bg-set-team-interval': { minutes: number },
 *   'popup-bg-team-changes-seen': {},
 *   'popup-bg-get-view': {},
 *   'popup-bg-switch': { id: string, back?: boolean, alongside?: boolean },
 *   'popup-bg-toggle-favorite': { id: string },
 *   'popup-bg-set-collapsed': { keys: string[] },
 *   'popup-bg-copy-link': {},
 *   'popup-bg-go-to-session': { tabId: number },
 *   'page-bg-get-banner-settings': {},
 *   'page-bg-save-banner-settings': { settings: object },
 *   'cs-bg-page-cues': { accountId?: string, roleName?: string, identityCenter?: boolean },
 *   'cs-bg-page-signals': { signals: object },
 *   'cs-bg-add-account': { accountId: string, roleName?: string },
 *   'cs-bg-take-fill': { url: string },
 *   'cs-bg-sessionless-offer': {},
 *   'cs-bg-open-offered': { id: string },
 *   'bg-cs-page-context': {},
 *   'bg-cs-post-form': { plan: object },
 *   'bg-cs-session-switch': { plan: object },
 *   'bg-cs-copy-text': { text: string },
 *   'bg-cs-note': { text: string, ok: boolean },
 * }} Payloads
 */

/**
 * Each request's reply (`result`), by type.
 * @typedef {{
 *   'page-bg-get-list': ListState,
 *   'page-bg-save-env': SaveReply,
 *   'page-bg-delete-env': { removed?: Environment, environments: Environment[], area: 'sync' | 'local' },
 *   'page-bg-load-example': { environments: Environment[], area: 'sync' | 'local' },
 *   'page-bg-apply-import': { plan: object, environments: Environment[], area: 'sync' | 'local' },
 *   'page-bg-discard-unreadable': { environments: Environment[], area: 'sync' | 'local' },
 *   'page-bg-get-settings': { settings: object, repairs: string[], locked: string[] },
 *   'page-bg-save-settings': { settings: object, repairs: string[], locked: string[] },
 *   'page-bg-get-team-lists': TeamOverview,
 *   'page-bg-subscribe': { ok: true, state: any, outcome: string } | { ok: false, error: string },
 *   'page-bg-unsubscribe': null,
 *   'page-bg-refresh-team-list': RefreshReply,
 *   'page-bg-set-team-override': { ok: true, overrides: any[] } | { ok: false, error: string },
 *   'page-bg-set-team-interval': { interval: number | null },
 *   'popup-bg-team-changes-seen': null,
 *   'popup-bg-get-view': { first: object, view: object, rows: string },
 *   'popup-bg-switch': SwitchReply,
 *   'popup-bg-toggle-favorite': { first: object, view: object },
 *   'popup-bg-set-collapsed': null,
 *   'popup-bg-copy-link': { link: string, displayName: string },
 *   'popup-bg-go-to-session': SwitchReply,
 *   'page-bg-get-banner-settings': object,
 *   'page-bg-save-banner-settings': object,
 *   'cs-bg-page-cues': object | null,
 *   'cs-bg-page-signals': null,
 *   'cs-bg-add-account': object | null,
 *   'cs-bg-take-fill': object | null,
 *   'cs-bg-sessionless-offer': SessionlessOffer | null,
 *   'cs-bg-open-offered': SwitchReply,
 *   'bg-cs-page-context': object | null,
 *   'bg-cs-post-form': object | null,
 *   'bg-cs-session-switch': object | null,
 *   'bg-cs-copy-text': { copied: boolean },
 *   'bg-cs-note': { shown: boolean },
 * }} Replies
 */
/** @typedef {keyof Payloads} MessageType */
/** @typedef {{ [T in MessageType]: { type: T } & Payloads[T] }[MessageType]} Message */
/**
 * The type of `globalThis.RS.protocol`: a checked caller declares its copy
 * with a JSDoc type annotation of `Protocol`.
 * @typedef {{
 *   MSG: Readonly<Record<string, MessageType>>,
 *   SHAPES: Readonly<Record<string, Record<string, string>>>,
 *   SENDERS: Readonly<Record<string, string[]>>,
 *   checkMessage: (msg: unknown) => string | null,
 *   send: <T extends MessageType>(type: T, payload?: Payloads[T]) => Promise<Replies[T]>,
 * }} Protocol
 */

(() => {
  const RS = (globalThis.RS = globalThis.RS || /** @type {any} */ ({}));

  const MSG = Object.freeze({
    PAGE_BG_GET_LIST: 'page-bg-get-list',
    PAGE_BG_SAVE_ENV: 'page-bg-save-env',
    PAGE_BG_DELETE_ENV: 'page-bg-delete-env',
    PAGE_BG_LOAD_EXAMPLE: 'page-bg-load-example',
    PAGE_BG_APPLY_IMPORT: 'page-bg-apply-import',
    PAGE_BG_DISCARD_UNREADABLE: 'page-bg-discard-unreadable',
    PAGE_BG_GET_SETTINGS: 'page-bg-get-settings',
    PAGE_BG_SAVE_SETTINGS: 'page-bg-save-settings',
    PAGE_BG_GET_TEAM_LISTS: 'page-bg-get-team-lists',
    PAGE_BG_SUBSCRIBE: 'page-bg-subscribe',
    PAGE_BG_UNSUBSCRIBE: 'page-bg-unsubscribe',
    PAGE_BG_REFRESH_TEAM_LIST: 'page-bg-refresh-team-list',
    PAGE_BG_SET_TEAM_OVERRIDE: 'page-bg-set-team-override',
    PAGE_BG_SET_TEAM_INTERVAL: 'page-bg-set-team-interval',
    POPUP_BG_TEAM_CHANGES_SEEN: 'popup-bg-team-changes-seen',
    POPUP_BG_GET_VIEW: 'popup-bg-get-view',
    POPUP_BG_SWITCH: 'popup-bg-switch',
    POPUP_BG_TOGGLE_FAVORITE: 'popup-bg-toggle-favorite',
    POPUP_BG_SET_COLLAPSED: 'popup-bg-set-collapsed',
    POPUP_BG_COPY_LINK: 'popup-bg-copy-link',
    POPUP_BG_GO_TO_SESSION: 'popup-bg-go-to-session',
    PAGE_BG_GET_BANNER_SETTINGS: 'page-bg-get-banner-settings',
    PAGE_BG_SAVE_BANNER_SETTINGS: 'page-bg-save-banner-settings',
    CS_BG_PAGE_CUES: 'cs-bg-page-cues',
    CS_BG_ADD_ACCOUNT: 'cs-bg-add-account',
    CS_BG_TAKE_FILL: 'cs-bg-take-fill',
    CS_BG_PAGE_SIGNALS: 'cs-bg-page-signals',
    CS_BG_SESSIONLESS_OFFER: 'cs-bg-sessionless-offer',
    CS_BG_OPEN_OFFERED: 'cs-bg-open-offered',
    // From the background to a console page's content script (fastpath.js).
    BG_CS_PAGE_CONTEXT: 'bg-cs-page-context',
    BG_CS_POST_FORM: 'bg-cs-post-form',
    BG_CS_SESSION_SWITCH: 'bg-cs-session-switch',
    BG_CS_COPY_TEXT: 'bg-cs-copy-text',
    BG_CS_NOTE: 'bg-cs-note',
  });

  // Payload fields and their `typeof` (a trailing ? means optional).
  /** @type {Readonly<{ [T in MessageType]: Record<keyof Payloads[T], string> }>} */
  const SHAPES = Object.freeze({
    [MSG.PAGE_BG_GET_LIST]: {},
    [MSG.PAGE_BG_SAVE_ENV]: { input: 'object', expected: 'object?' },
    [MSG.PAGE_BG_DELETE_ENV]: { id: 'string' },
    [MSG.PAGE_BG_LOAD_EXAMPLE]: {},
    [MSG.PAGE_BG_APPLY_IMPORT]: { environments: 'object', mode: 'string', revision: 'number' },
    [MSG.PAGE_BG_DISCARD_UNREADABLE]: {},
    [MSG.PAGE_BG_GET_BANNER_SETTINGS]: {},
    [MSG.PAGE_BG_SAVE_BANNER_SETTINGS]: { settings: 'object' },
    // The page's account and role as the content script read them (absent: unknown);
    // `identityCenter`: the role is an Identity Center permission set (shared/lookup.js).
    [MSG.CS_BG_PAGE_CUES]: { accountId: 'string?', roleName: 'string?', identityCenter: 'boolean?' },
    [MSG.CS_BG_ADD_ACCOUNT]: { accountId: 'string', roleName: 'string?', identityCenter: 'boolean?' },
    [MSG.PAGE_BG_GET_SETTINGS]: {},
    [MSG.PAGE_BG_SAVE_SETTINGS]: { settings: 'object' },
    // Team lists: the overview for the options page, and its actions. The page asked the user
    // for the permission to the URL's origin (permissions.request) before it subscribes.
    [MSG.PAGE_BG_GET_TEAM_LISTS]: {},
    [MSG.PAGE_BG_SUBSCRIBE]: { url: 'string', name: 'string?', group: 'string?' },
    [MSG.PAGE_BG_UNSUBSCRIBE]: { url: 'string' },
    // Fetches the list now; `acceptShrink`: use the new copy even if it is a sudden shrink.
    [MSG.PAGE_BG_REFRESH_TEAM_LIST]: { url: 'string', acceptShrink: 'boolean?' },
    // One local choice (the core's Override: accountId, roleName, hidden, color, …).
    [MSG.PAGE_BG_SET_TEAM_OVERRIDE]: { change: 'object' },
    [MSG.PAGE_BG_SET_TEAM_INTERVAL]: { minutes: 'number' },
    // The popup showed what the last refreshes changed.
    [MSG.POPUP_BG_TEAM_CHANGES_SEEN]: {},
    // When the popup cannot use what the worker stored: `{ first, view, rows }` made now.
    [MSG.POPUP_BG_GET_VIEW]: {},
    // `alongside`: a new session, the current one kept (Shift+Enter); without it, a live
    // session already in that environment is gone to instead.
    [MSG.POPUP_BG_SWITCH]: { id: 'string', back: 'boolean?', alongside: 'boolean?' },
    // Stars the environment, or unstars it; the reply is the popup's new `{ view }`.
    [MSG.POPUP_BG_TOGGLE_FAVORITE]: { id: 'string' },
    // The popup's folded groups (their sections' keys), kept for its next opening.
    [MSG.POPUP_BG_SET_COLLAPSED]: { keys: 'object' },
    // "Copy link" for the active tab's console page: the core's link (the popup writes it).
    [MSG.POPUP_BG_COPY_LINK]: {},
    // Five sessions are open: go to the one picked instead of a sixth.
    [MSG.POPUP_BG_GO_TO_SESSION]: { tabId: 'number' },
    [MSG.CS_BG_TAKE_FILL]: { url: 'string' },
    // The page's raw signals (as BG_CS_PAGE_CONTEXT answers them), whenever they change.
    [MSG.CS_BG_PAGE_SIGNALS]: { signals: 'object' },
    // A console page whose host names an account shows no session: the core's offer for
    // the sender's URL (the worker opens the one environment itself when the setting says so).
    [MSG.CS_BG_SESSIONLESS_OFFER]: {},
    // The user clicked an offered environment: opened only if the core offers it for that URL.
    [MSG.CS_BG_OPEN_OFFERED]: { id: 'string' },
    [MSG.BG_CS_PAGE_CONTEXT]: {},
    [MSG.BG_CS_POST_FORM]: { plan: 'object' },
    [MSG.BG_CS_SESSION_SWITCH]: { plan: 'object' },
    // The copy-link command: the console page writes `text` to the clipboard.
    [MSG.BG_CS_COPY_TEXT]: { text: 'string' },
    // A short note for the banner ("Link copied", or why not), shown for two seconds.
    [MSG.BG_CS_NOTE]: { text: 'string', ok: 'boolean' },
  });

  // Who may send each type: extension pages, console pages, switch-role pages,
  // the background (checked by the receiving content script: no tab, our id).
  /** @type {Readonly<Record<MessageType, ('page' | 'console' | 'signin' | 'background')[]>>} */
  const SENDERS = Object.freeze({
    [MSG.PAGE_BG_GET_LIST]: ['page'],
    [MSG.PAGE_BG_SAVE_ENV]: ['page'],
    [MSG.PAGE_BG_DELETE_ENV]: ['page'],
    [MSG.PAGE_BG_LOAD_EXAMPLE]: ['page'],
    [MSG.PAGE_BG_APPLY_IMPORT]: ['page'],
    [MSG.PAGE_BG_DISCARD_UNREADABLE]: ['page'],
    [MSG.PAGE_BG_GET_SETTINGS]: ['page'],
    [MSG.PAGE_BG_SAVE_SETTINGS]: ['page'],
    [MSG.PAGE_BG_GET_TEAM_LISTS]: ['page'],
    [MSG.PAGE_BG_SUBSCRIBE]: ['page'],
    [MSG.PAGE_BG_UNSUBSCRIBE]: ['page'],
    [MSG.PAGE_BG_REFRESH_TEAM_LIST]: ['page'],
    [MSG.PAGE_BG_SET_TEAM_OVERRIDE]: ['page'],
    [MSG.PAGE_BG_SET_TEAM_INTERVAL]: ['page'],
    [MSG.POPUP_BG_TEAM_CHANGES_SEEN]: ['page'],
    [MSG.POPUP_BG_GET_VIEW]: ['page'],
    [MSG.POPUP_BG_SWITCH]: ['page'],
    [MSG.POPUP_BG_TOGGLE_FAVORITE]: ['page'],
    [MSG.POPUP_BG_SET_COLLAPSED]: ['page'],
    [MSG.POPUP_BG_COPY_LINK]: ['page'],
    [MSG.POPUP_BG_GO_TO_SESSION]: ['page'],
    [MSG.PAGE_BG_GET_BANNER_SETTINGS]: ['page'],
    [MSG.PAGE_BG_SAVE_BANNER_SETTINGS]: ['page'],
    [MSG.CS_BG_PAGE_CUES]: ['console'],
    [MSG.CS_BG_ADD_ACCOUNT]: ['console'],
    [MSG.CS_BG_TAKE_FILL]: ['signin'],
    [MSG.CS_BG_PAGE_SIGNALS]: ['console'],
    [MSG.CS_BG_SESSIONLESS_OFFER]: ['console'],
    [MSG.CS_BG_OPEN_OFFERED]: ['console'],
    [MSG.BG_CS_PAGE_CONTEXT]: ['background'],
    [MSG.BG_CS_POST_FORM]: ['background'],
    [MSG.BG_CS_SESSION_SWITCH]: ['background'],
    [MSG.BG_CS_COPY_TEXT]: ['background'],
    [MSG.BG_CS_NOTE]: ['background'],
  });

  /**
   * Why `msg` is not a well-formed message, or null when it is.
   * @param {any} msg
   * @returns {string | null}
   */
  function checkMessage(msg) {
    if (msg === null || typeof msg !== 'object') return 'a message must be an object';
    const shape = /** @type {Record<string, string> | undefined} */ (SHAPES[/** @type {MessageType} */ (msg.type)]);
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

  /**
   * Sends a message to the background and returns its result, or throws its error.
   * @template {MessageType} T
   * @param {T} type
   * @param {Payloads[T]} [payload]
   * @returns {Promise<Replies[T]>}
   */
  async function send(type, payload = /** @type {Payloads[T]} */ ({})) {
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
