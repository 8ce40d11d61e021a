// @ts-check
// Every failure on the options page ends as a message the user sees. Handlers that can fail
// are wrapped in `reported(what, fn)`, which says what did not happen and why; anything that
// still escapes (a rejected promise nobody awaited, an error thrown by a listener) is caught
// at the page level and shown the same way, never only in the console.

const box = () => document.getElementById('page-errors');

/** Shows `message` in the page's error area (role=alert), with a button to dismiss it. */
export function showError(message) {
  const area = box();
  if (!area) return;
  const item = document.createElement('p');
  item.className = 'notice error';
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'link';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => item.remove());
  item.append(message, ' ', dismiss);
  area.append(item);
  while (area.children.length > 5) area.firstElementChild?.remove(); // the newest five
}

/** The text of whatever was thrown, without a closing full stop (the sentence adds one). */
function textOf(reason) {
  let text = 'an unknown error';
  if (reason instanceof Error) text = reason.message;
  else if (typeof reason === 'string') text = reason;
  return text.replace(/\.+$/, '');
}

/**
 * `fn`, with a failure shown as “`what` did not work: <why>”.
 * @template {unknown[]} A
 * @param {string} what
 * @param {(...args: A) => unknown} fn
 * @returns {(...args: A) => Promise<void>}
 */
export function reported(what, fn) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      showError(`${what} did not work: ${textOf(err)}. Your list is unchanged by it; try again, or reload this page.`);
    }
  };
}

window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  showError(`Something on this page failed: ${textOf(event.reason)}. Reload the page to start again; your list is kept by the extension.`);
});
window.addEventListener('error', (event) => {
  showError(`Something on this page failed: ${textOf(event.error ?? event.message)}. Reload the page to start again; your list is kept by the extension.`);
});
