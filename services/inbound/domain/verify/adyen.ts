import { createHmac } from 'node:crypto';
import { jsonObject } from './body.ts';
import { decode, sameBytes } from './compare.ts';
import { refuse } from './refuse.ts';
import { keysOf } from './secrets.ts';
import type { AdyenParams, ModeCheck } from './types.ts';

type Item = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');

/** Adyen's signed string of a NotificationRequestItem: eight fields joined with `:`, an absent one empty. */
export function adyenSignedString(item: Item): string {
  const amount = (item.amount ?? {}) as Item;
  return [item.pspReference, item.originalReference, item.merchantAccountCode, item.merchantReference, amount.value, amount.currency, item.eventCode, item.success]
    .map(text)
    .join(':');
}

function itemsOf(body: Buffer): Item[] | undefined {
  const items = jsonObject(body)?.notificationItems;
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const unwrapped = items.map((entry: unknown) => (entry as Item | null)?.NotificationRequestItem);
  return unwrapped.every((item) => item !== null && typeof item === 'object') ? (unwrapped as Item[]) : undefined;
}

/**
 * Adyen's standard notifications: each item carries `additionalData.hmacSignature`, the base64
 * HMAC-SHA256 of its signed string with the hex HMAC key; every item must verify. A single item's
 * `eventCode:pspReference` is its delivery id (Adyen's own dedupe key).
 */
export const checkAdyen: ModeCheck<AdyenParams> = (_params, config, req) => {
  const keys = keysOf(config, ['hmacKey'], 'hex');
  if (keys === undefined || keys.some((k) => k.length === 0)) return refuse('misconfigured', 'sourceConfig has no hmacKey (hex)');
  const items = itemsOf(req.rawBody);
  if (items === undefined) return refuse('missing_signature', 'no notificationItems in the body');
  for (const item of items) {
    const sent = decode(text(((item.additionalData ?? {}) as Item).hmacSignature), 'base64');
    if (sent === undefined) return refuse('missing_signature', 'an item has no additionalData.hmacSignature');
    const content = Buffer.from(adyenSignedString(item), 'utf8');
    if (!keys.some((key) => sameBytes(sent, createHmac('sha256', key).update(content).digest()))) return refuse('bad_signature', `item ${text(item.pspReference)} does not match`);
  }
  const only = items.length === 1 ? items[0] : undefined;
  return { ok: true, deliveryId: only === undefined ? undefined : `${text(only.eventCode)}:${text(only.pspReference)}`, eventType: only === undefined ? undefined : text(only.eventCode) };
};
