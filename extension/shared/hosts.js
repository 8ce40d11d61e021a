// Which pages are AWS console and sign-in pages, by host. A classic script, so
// that the popup has it before its first paint; the service worker imports it
// through background/router.js.
(() => {
  const RS = (globalThis.RS = globalThis.RS || {});

  const CONSOLE_HOST = /^([a-z0-9-]+\.)*console\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)$/;
  const SIGNIN_HOST = /^signin\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)$/;

  /** Whether `url` is an AWS console or sign-in page (where a switch can start from). */
  function isAwsUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' && (CONSOLE_HOST.test(u.hostname) || SIGNIN_HOST.test(u.hostname));
    } catch {
      return false;
    }
  }

  /** Whether `url` is an AWS console page (where the in-console switch can run). */
  function isConsoleUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' && CONSOLE_HOST.test(u.hostname);
    } catch {
      return false;
    }
  }

  RS.hosts = Object.freeze({ CONSOLE_HOST, SIGNIN_HOST, isAwsUrl, isConsoleUrl });
})();
