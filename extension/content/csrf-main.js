// Runs in the console page's own JavaScript world, the only place where the
// console's CSRF token is readable (window.AWSC.Auth.getMbtc()). It does one
// thing: when the extension's content script asks (a DOM event), it answers
// with the token, and only with a short string of token characters; anything
// else the page holds there is answered with ''. No extension API is reachable
// from here, and nothing here acts on what the page says.
(() => {
  const TOKEN = /^[A-Za-z0-9+/=_.:~-]{1,1024}$/;
  document.addEventListener('roleswitch:csrf-request', () => {
    let token = '';
    try {
      const value = window.AWSC?.Auth?.getMbtc?.();
      if (typeof value === 'string' && TOKEN.test(value)) token = value;
    } catch {
      token = '';
    }
    document.dispatchEvent(new CustomEvent('roleswitch:csrf-reply', { detail: token }));
  });
})();
