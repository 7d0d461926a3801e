import { hmacValidator } from '@adyen/api-library';
import { describe, expect, it } from 'vitest';
import { checkAdyen } from './adyen.ts';
import { inbound } from './fixture.ts';

const hmacKey = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
const baseItem = {
  amount: { currency: 'EUR', value: 1130 }, eventCode: 'AUTHORISATION', eventDate: '2026-12-07T01:00:00+01:00',
  merchantAccountCode: 'TestMerchant', merchantReference: 'order-7', pspReference: '7914073381342284', success: 'true',
};
/** An item signed by Adyen's own library, as Adyen signs what it sends. */
function signedItem(item = baseItem, key = hmacKey) {
  return { ...item, additionalData: { hmacSignature: new hmacValidator().calculateHmac(item as never, key) } };
}
const notification = (...items: object[]) => JSON.stringify({ live: 'false', notificationItems: items.map((i) => ({ NotificationRequestItem: i })) });

describe('adyen mode', () => {
  it('given an item signed by @adyen/api-library\'s hmacValidator, then accepted with eventCode:pspReference', () => {
    expect(checkAdyen({ mode: 'adyen' }, { hmacKey }, inbound(notification(signedItem())), 0))
      .toEqual({ ok: true, deliveryId: 'AUTHORISATION:7914073381342284', eventType: 'AUTHORISATION' });
  });
  it('given a changed amount or another key, then it is a bad signature', () => {
    const tampered = { ...signedItem(), amount: { currency: 'EUR', value: 1 } };
    expect(checkAdyen({ mode: 'adyen' }, { hmacKey }, inbound(notification(tampered)), 0)).toMatchObject({ reason: 'bad_signature' });
    expect(checkAdyen({ mode: 'adyen' }, { hmacKey }, inbound(notification(signedItem(baseItem, 'AB'.repeat(32)))), 0)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given two items, when one is unsigned, then the whole batch is refused', () => {
    expect(checkAdyen({ mode: 'adyen' }, { hmacKey }, inbound(notification(signedItem(), baseItem)), 0)).toMatchObject({ reason: 'missing_signature' });
  });
  it('given no items, then missing; given no key, then misconfigured', () => {
    expect(checkAdyen({ mode: 'adyen' }, { hmacKey }, inbound('{}'), 0)).toMatchObject({ reason: 'missing_signature' });
    expect(checkAdyen({ mode: 'adyen' }, {}, inbound(notification(signedItem())), 0)).toMatchObject({ reason: 'misconfigured' });
  });
});
