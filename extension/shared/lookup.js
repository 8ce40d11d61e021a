// The page side of the banner lookup the core precomputes (src/console/lookup.rs):
// read a console page's account and role from its earliest signals, and find
// its entry with two key lookups. The rules are the core's (identify() in
// src/console/identity.rs, restricted as lookup.rs's EXTRACTION says); tests/js
// checks this file against the core on the fixture pages. Loaded as a classic
// script by the console content script and imported by the service worker.
(() => {
  const RS = (globalThis.RS = globalThis.RS || {});

  /** Where the service worker stores the lookup (chrome.storage.local; see background/cues.js). */
  const LOOKUP_KEY = 'bannerLookup';
  const LOOKUP_VERSION = 1;

  const HOST_PREFIX = /^(\d{12})-[^.]+(?:\.|$)/;
  const ARN = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):(.*)$/;

  function twelveDigits(raw) {
    if (typeof raw !== 'string') return null;
    const digits = raw.trim().replace(/[- ]/g, '');
    return /^\d{12}$/.test(digits) ? digits : null;
  }

  /** `[account, role|null]` from a principal ARN, or null. */
  function fromArn(arn) {
    const m = typeof arn === 'string' ? ARN.exec(arn.trim()) : null;
    const account = m && twelveDigits(m[1]);
    if (!account) return null;
    const role = m[2].startsWith('assumed-role/') ? m[2].slice(13).split('/')[0] || null : null;
    return [account, role];
  }

  /** Twelve digits in text such as `Admin/alice @ 1111-2222-3333` (grouped 4-4-4 or not). */
  function accountInText(text) {
    const m = typeof text === 'string' ? /(?:^|\D)(\d{4})[- ]*(\d{4})[- ]*(\d{4})(?!\d)/.exec(text) : null;
    return m ? m[1] + m[2] + m[3] : null;
  }

  /** The role in navigation text such as `Admin/alice` (`Role/session`), or null. */
  function roleInNavText(text) {
    if (typeof text !== 'string') return null;
    const slash = text.trim().indexOf('/');
    const role = slash > 0 ? text.trim().slice(0, slash) : '';
    return role && !/\s/.test(role) ? role : null;
  }

  // IAM Identity Center (the core's src/sso.rs): the role a portal sign-in lands in is
  // `AWSReservedSSO_<permission set>_<16 hex digits>`, the prefix in any case; the set may
  // itself contain `_` (the hash is after the last one). Its lookup key is `sso:<set>`.
  const RESERVED_PREFIX = 'awsreservedsso_';
  const SSO_KEY_PREFIX = 'sso:';

  /** IAM's (and the core's) case folding: ASCII letters only. */
  const asciiLower = (text) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

  /** The permission set of a reserved Identity Center role name, or null for any other role. */
  function reservedPermissionSet(role) {
    if (typeof role !== 'string' || asciiLower(role.slice(0, RESERVED_PREFIX.length)) !== RESERVED_PREFIX) return null;
    const rest = role.slice(RESERVED_PREFIX.length);
    const cut = rest.lastIndexOf('_');
    if (cut < 1 || !/^[0-9a-fA-F]{16}$/.test(rest.slice(cut + 1))) return null;
    return rest.slice(0, cut);
  }

  /**
   * The lookup key of a page's role: `sso:<set>` for an Identity Center session
   * (`identityCenter`: `role` is the permission set already), else the role's name,
   * a reserved name read as its set; lower case.
   */
  function roleKey(role, identityCenter = false) {
    const set = identityCenter ? role : reservedPermissionSet(role);
    return set === null ? asciiLower(role) : SSO_KEY_PREFIX + asciiLower(set);
  }

  /** The first non-null `read(text)` over one text or a list of candidate texts. */
  function firstOf(texts, read) {
    for (const text of Array.isArray(texts) ? texts : [texts]) {
      const value = read(text);
      if (value) return value;
    }
    return null;
  }

  /**
   * `{ accountId, roleName, identityCenter, sessionless }` (the first two null when unknown)
   * from raw signals, as the core's identify(); for an Identity Center session `roleName` is
   * the permission set and `identityCenter` true; `sessionless`: the host names an account
   * and nothing else on the page does (only meaningful once the page has loaded). The signals:
   * `host` (location.hostname), `sessionData` (the awsc-session-data meta's
   * content), `navAccount` and `navRole` (navigation header texts: one, or
   * candidates in order, each tried until one yields a value).
   */
  function pageIdentity({ host = null, sessionData = null, navAccount = null, navRole = null } = {}) {
    let session = null;
    try {
      session = sessionData ? JSON.parse(sessionData) : null;
    } catch {
      session = null;
    }
    if (session === null || typeof session !== 'object') session = {};
    const arn = fromArn(session.sessionARN);
    const hostMatch = typeof host === 'string' ? HOST_PREFIX.exec(host) : null;
    const accountId = hostMatch?.[1]
      ?? twelveDigits(session.accountId)
      ?? arn?.[0]
      ?? firstOf(navAccount, accountInText);
    const role = (arn && arn[0] === accountId ? arn[1] : null) ?? firstOf(navRole, roleInNavText);
    // An Identity Center session: the permission set, never the reserved role's name.
    const permissionSet = role && reservedPermissionSet(role);
    // The host names an account but the page says nothing of a session (the core's
    // `sessionless`; the cookie is shared by every session, so it is not asked).
    const sessionless = Boolean(hostMatch)
      && !(twelveDigits(session.accountId) ?? arn?.[0])
      && !firstOf(navAccount, accountInText);
    return {
      accountId: accountId ?? null, roleName: permissionSet ?? role, identityCenter: Boolean(permissionSet), sessionless,
    };
  }

  // Where the navigation header may show the account and the role, tried in
  // this order (AWS-CONSOLE-FACTS.md). A copy control may hold only an icon or
  // a word, with the value in the element around it; the account-menu button
  // is a fallback for both. The login account (classic header) is the account
  // signed in to before a switch: only read when the page shows no role
  // section at all.
  const COPY_ACCOUNT = '[data-testid="awsc-copy-accountid"]';
  const NAV_ACCOUNT = [
    COPY_ACCOUNT,
    '#awsc-role-display-name-account',
    '[data-testid="awsc-nav-account-menu-button"]',
    '#nav-usernameMenu',
  ];
  const NAV_LOGIN_ACCOUNT = '#awsc-login-display-name-account';
  const NAV_ROLE_SECTION = '#awsc-role-display-name-account, #awsc-role-display-name-user';
  const NAV_ROLE = [
    '#awsc-role-display-name-user',
    '[data-testid="awsc-copy-username"]',
    '[data-testid="awsc-nav-account-menu-button"]',
    '#nav-usernameMenu',
  ];

  /**
   * The texts of the first element matching each selector: its text, then its
   * aria-label; for the account's copy control, then its parent's text.
   */
  function textsOf(doc, selectors) {
    const texts = [];
    const add = (text) => {
      const t = text?.trim();
      if (t && !texts.includes(t)) texts.push(t);
    };
    for (const selector of selectors) {
      const el = doc.querySelector(selector);
      if (!el) continue;
      add(el.textContent);
      add(el.getAttribute('aria-label'));
      // (A row such as "Account ID: 1111-2222-3333 [copy]", not a whole menu.)
      const row = selector === COPY_ACCOUNT ? el.parentElement?.textContent : null;
      if (row && row.length <= 200) add(row);
    }
    return texts;
  }

  /** `{ navAccount, navRole }`: the navigation header's candidate texts in `doc`. */
  function readNav(doc) {
    const accounts = doc.querySelector(NAV_ROLE_SECTION) ? NAV_ACCOUNT : [...NAV_ACCOUNT, NAV_LOGIN_ACCOUNT];
    return { navAccount: textsOf(doc, accounts), navRole: textsOf(doc, NAV_ROLE) };
  }

  const own = (obj, key) => (obj && Object.hasOwn(obj, key) ? obj[key] : undefined);

  /**
   * The lookup entry for a page, or null (no such account, or no usable lookup);
   * `roleName` and `identityCenter` as pageIdentity() gives them.
   */
  function lookupEntry(lookup, accountId, roleName, identityCenter = false) {
    if (!lookup || lookup.version !== LOOKUP_VERSION || !accountId) return null;
    const roles = own(lookup.accounts, accountId);
    if (!roles) return null;
    return (roleName && own(roles, roleKey(roleName, identityCenter))) || own(roles, '*') || null;
  }

  /**
   * Whether a title prefix says production: the word `prod` or `production`
   * in any case, not inside a longer word (the core's says_production).
   */
  const saysProduction = (prefix) => String(prefix).split(/[^\p{Alphabetic}\p{N}]/u).some((word) => {
    const lower = word.replace(/[A-Z]/g, (c) => c.toLowerCase()); // ASCII only, as the core
    return lower === 'prod' || lower === 'production';
  });

  /** Put first on a production tab whose prefix does not say production (the core's PRODUCTION_CUE). */
  const PRODUCTION_CUE = '[PROD]';

  /**
   * The title prefix for a lookup entry: the core's, and on a production page
   * never without a production cue, even from a lookup that lacks one. Empty
   * when the title cue is off.
   */
  function titlePrefix(entry, settings) {
    if (!entry || !settings?.titleCue) return '';
    const prefix = typeof entry.titlePrefix === 'string' ? entry.titlePrefix : '';
    return entry.level === 'production' && !saysProduction(prefix) ? `${PRODUCTION_CUE} ${prefix}` : prefix;
  }

  /** `1111-2222-3333`, as the core formats account IDs. */
  const formatAccount = (id) => (/^\d{12}$/.test(id) ? `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}` : id);

  RS.lookup = Object.freeze({
    LOOKUP_KEY, LOOKUP_VERSION, pageIdentity, readNav, lookupEntry, accountInText, formatAccount, saysProduction,
    titlePrefix, reservedPermissionSet, roleKey,
  });
})();
