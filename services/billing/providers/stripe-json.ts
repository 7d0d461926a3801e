import { DomainError } from '../../platform/domain/errors.ts';

/**
 * Reading Stripe's JSON where its shape is not ours to trust: a webhook body (verified, but
 * parsed from bytes) and objects whose fields moved between API versions. A missing field that
 * mittr needs is the sender's mistake, a VALIDATION_ERROR naming it, never a TypeError.
 */
export type Json = Readonly<Record<string, unknown>>;

export const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export function objectAt(o: Json, key: string, where: string): Json {
  const v = o[key];
  if (!isObject(v)) throw invalid(`${where}.${key} is not an object`);
  return v;
}

export function stringAt(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw invalid(`${where}.${key} is not a string`);
  return v;
}

export function numberAt(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${where}.${key} is not a number`);
  return v;
}

export const optionalString = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
export const optionalNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Unix seconds, as Stripe writes times, to ms since the epoch, as mittr does. */
export const msOf = (seconds: unknown): number | null => {
  const s = optionalNumber(seconds);
  return s === null ? null : s * 1000;
};

/** An id Stripe writes either as the id or, when expanded, as the object with it. */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  return isObject(v) ? optionalString(v.id) : null;
}

export function idAt(o: Json, key: string, where: string): string {
  const id = idOf(o[key]);
  if (id === null) throw invalid(`${where}.${key} is not an id`);
  return id;
}

export const invalid = (message: string) => new DomainError('VALIDATION_ERROR', `not a Stripe event: ${message}`);
