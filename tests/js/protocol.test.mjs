import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySender, isAllowed, isAwsUrl } from '../../extension/background/router.js';

const { MSG, checkMessage, SHAPES } = globalThis.RS.protocol;
const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}/`;

test('every message type has a shape and allowed senders', () => {
  for (const type of Object.values(MSG)) assert.ok(SHAPES[type], type);
});

test('messages are checked against their shape', () => {
  const cases = [
    [{ type: MSG.POPUP_BG_SWITCH, id: 'x' }, null],
    [{ type: MSG.POPUP_BG_SWITCH }, /id must be a string/],
    [{ type: MSG.POPUP_BG_SWITCH, id: 7 }, /id must be a string/],
    [{ type: MSG.PAGE_BG_SAVE_ENV, input: null }, /input must be a object/],
    [{ type: MSG.POPUP_BG_TOGGLE_FAVORITE, id: 'x' }, null],
    [{ type: MSG.POPUP_BG_TOGGLE_FAVORITE }, /id must be a string/],
    [{ type: MSG.POPUP_BG_SET_COLLAPSED, keys: ['group:dev'] }, null],
    [{ type: MSG.POPUP_BG_SET_COLLAPSED, keys: 'group:dev' }, /keys must be a object/],
    [{ type: 'page-bg-format-disk' }, /unknown message type/],
    [{ type: MSG.CS_BG_PAGE_CUES }, null],
    [{ type: MSG.CS_BG_PAGE_CUES, accountId: '111122223333', roleName: 'Admin' }, null],
    [{ type: MSG.CS_BG_PAGE_CUES, accountId: null }, /accountId must be a string/],
    ['string', /must be an object/],
    [null, /must be an object/],
  ];
  for (const [msg, want] of cases) {
    const got = checkMessage(msg);
    if (want === null) assert.equal(got, null, JSON.stringify(msg));
    else assert.match(got, want, JSON.stringify(msg));
  }
});

test('senders are classified by extension id, origin, tab and URL', () => {
  const tab = { id: 1 };
  const cases = [
    [{ id: ID, url: `${ORIGIN}popup/popup.html` }, 'page'],
    [{ id: ID, url: 'https://us-east-1.console.aws.amazon.com/ec2/home', tab }, 'console'],
    [{ id: ID, url: 'https://111122223333-abcd.us-east-1.console.aws.amazon.com/', tab }, 'console'],
    [{ id: ID, url: 'https://console.amazonaws-us-gov.com/console/home', tab }, 'console'],
    [{ id: ID, url: 'https://signin.aws.amazon.com/switchrole?account=1', tab }, 'signin'],
    [{ id: ID, url: 'https://signin.aws.amazon.com/oauth', tab }, null],
    [{ id: ID, url: 'https://evil.example/console.aws.amazon.com', tab }, null],
    [{ id: ID, url: 'https://console.aws.amazon.com.evil.example/', tab }, null],
    [{ id: ID, url: 'http://us-east-1.console.aws.amazon.com/', tab }, null],
    [{ id: ID, url: 'https://us-east-1.console.aws.amazon.com/' }, null],
    [{ id: 'another-extension', url: `${ORIGIN}popup/popup.html` }, null],
    [{ id: ID }, null],
    [undefined, null],
  ];
  for (const [sender, want] of cases) assert.equal(classifySender(sender, ID, ORIGIN), want, JSON.stringify(sender));
});

test('each sender may send only its own message types', () => {
  assert.equal(isAllowed('page', MSG.PAGE_BG_SAVE_ENV), true);
  assert.equal(isAllowed('console', MSG.PAGE_BG_SAVE_ENV), false, 'a console page cannot write the list');
  assert.equal(isAllowed('page', MSG.POPUP_BG_TOGGLE_FAVORITE), true);
  assert.equal(isAllowed('console', MSG.POPUP_BG_TOGGLE_FAVORITE), false, 'a console page cannot star');
  assert.equal(isAllowed('page', MSG.POPUP_BG_SET_COLLAPSED), true);
  assert.equal(isAllowed('console', MSG.POPUP_BG_SET_COLLAPSED), false, 'a console page cannot fold the popup’s groups');
  assert.equal(isAllowed('console', MSG.CS_BG_TAKE_FILL), false, 'only the switch-role page gets form values');
  assert.equal(isAllowed('signin', MSG.CS_BG_TAKE_FILL), true);
  assert.equal(isAllowed('console', MSG.CS_BG_PAGE_CUES), true);
  assert.equal(isAllowed('console', MSG.CS_BG_ADD_ACCOUNT), true);
  assert.equal(isAllowed('console', MSG.PAGE_BG_SAVE_BANNER_SETTINGS), false, 'a console page cannot change settings');
  assert.equal(isAllowed('signin', MSG.CS_BG_PAGE_CUES), false);
  assert.equal(isAllowed(null, MSG.CS_BG_PAGE_CUES), false);
});

test('AWS URLs', () => {
  assert.equal(isAwsUrl('https://eu-west-1.console.aws.amazon.com/s3'), true);
  assert.equal(isAwsUrl('https://signin.amazonaws.cn/switchrole'), true);
  assert.equal(isAwsUrl('https://example.com/'), false);
  assert.equal(isAwsUrl('chrome://newtab/'), false);
  assert.equal(isAwsUrl('not a url'), false);
});
