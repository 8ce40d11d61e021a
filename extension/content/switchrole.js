// AWS's switch-role page: when (and only when) the background says this tab
// was sent here by a switch the user started, fill AWS's form and submit it.
// Fields are found by name, id and label text, since AWS changes the form;
// if one cannot be found, say so on the page and leave the form to the user.
(async () => {
  const { protocol } = globalThis.RS;

  let fill;
  try {
    fill = await protocol.send(protocol.MSG.CS_BG_TAKE_FILL, { url: location.href });
  } catch {
    return;
  }
  if (!fill) return; // the user came here by themselves

  const FIELDS = [
    { key: 'account', label: 'account ID', names: ['accountId', 'account'], text: /account/i },
    { key: 'roleName', label: 'role name', names: ['roleName', 'role'], text: /role/i },
    { key: 'displayName', label: 'display name', names: ['displayName'], text: /display\s*name/i },
  ];

  const isTextInput = (el) =>
    el instanceof HTMLInputElement && !['hidden', 'radio', 'checkbox', 'submit', 'button'].includes(el.type);

  function findInput(field) {
    for (const name of field.names) {
      const el = document.querySelector(`input[name="${name}"], input#${name}`);
      if (isTextInput(el)) return el;
    }
    for (const label of document.querySelectorAll('label')) {
      if (field.text.test(label.textContent ?? '') && isTextInput(label.control)) return label.control;
    }
    return null;
  }

  // Sets a value the way typing would, so frameworks that track input see it.
  function setValue(input, value) {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function pickColor(form) {
    const radios = [...form.querySelectorAll('input[type="radio"]')];
    const wanted = [fill.color, fill.formColor].map((c) => c.toLowerCase());
    for (const color of wanted) {
      const radio = radios.find((r) => r.value.replace(/^#/, '').toLowerCase() === color);
      if (radio) {
        radio.click();
        return true;
      }
    }
    return false;
  }

  function notice(message) {
    const host = document.createElement('roleswitch-notice');
    const shadow = host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
      :host { all: initial !important; display: block !important; position: relative !important; z-index: 2147483647 !important; }
      p { margin: 0; padding: 10px 16px; background: #fff4e5; color: #16191f; border-bottom: 2px solid #d45b07;
          font: 14px/20px system-ui, sans-serif; }
      b { font-weight: 700; }`);
    shadow.adoptedStyleSheets = [sheet];
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    const b = document.createElement('b');
    b.textContent = 'Roleswitch: ';
    p.append(b, message);
    shadow.append(p);
    document.body.prepend(host);
    host.dataset.message = message;
  }

  const inputs = FIELDS.map((f) => [f, findInput(f)]);
  const missing = inputs.filter(([, el]) => !el).map(([f]) => f.label);
  const form = inputs.find(([, el]) => el)?.[1]?.form ?? null;
  if (missing.length || !form) {
    const what = missing.length ? `the ${missing.join(' and ')} field` : 'the form';
    notice(
      `could not find ${what} on AWS's switch-role page, so nothing was submitted. ` +
        `Fill it in yourself: account ${fill.account}, role ${fill.roleName}, display name ${fill.displayName}.`,
    );
    return;
  }
  for (const [field, input] of inputs) setValue(input, fill[field.key]);
  pickColor(form);
  const button = form.querySelector('button[type="submit"], input[type="submit"], button:not([type])');
  form.requestSubmit(button ?? undefined);
})();
