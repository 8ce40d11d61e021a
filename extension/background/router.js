// @ts-check
// Who sent a message, and whether that sender may send that type.
import '../shared/protocol.js';
import '../shared/hosts.js';

const { SENDERS } = globalThis.RS.protocol;
const { CONSOLE_HOST, SIGNIN_HOST } = globalThis.RS.hosts;

/** Whether `url` is an AWS console or sign-in page (where a switch can start from). */
export const { isAwsUrl } = globalThis.RS.hosts;
/** Whether `url` is an AWS console page (where the in-console switch can run). */
export const { isConsoleUrl } = globalThis.RS.hosts;

/**
 * 'page' (one of our own pages), 'console' (a content script on a console
 * page), 'signin' (a content script on a switch-role page), or null.
 */
export function classifySender(sender, extensionId, extensionOrigin) {
  if (!sender || sender.id !== extensionId || typeof sender.url !== 'string') return null;
  if (sender.url.startsWith(extensionOrigin)) return 'page';
  if (!sender.tab) return null;
  let url;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  if (CONSOLE_HOST.test(url.hostname)) return 'console';
  if (SIGNIN_HOST.test(url.hostname) && url.pathname.startsWith('/switchrole')) return 'signin';
  return null;
}

/** Whether a sender of `kind` may send `type`. */
export function isAllowed(kind, type) {
  return kind !== null && (SENDERS[type] ?? []).includes(kind);
}
