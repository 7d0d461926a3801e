import { parse, Tester, type Filter } from 'scim2-parse-filter';
import { scimError } from './errors.ts';

/** The longest filter expression taken: IdPs send one or two comparisons. */
export const MAX_FILTER_LENGTH = 1_000;
type Value = boolean | null | number | string;

/**
 * The library's evaluator with RFC 7643's case rule for the User attributes mittr keeps: none is
 * caseExact (userName, emails.value, name.*), so string comparisons ignore case (RFC 7644 §3.4.2.2).
 */
class CaseInsensitiveTester extends Tester {
  private fold = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v) as Value;
  override eq(r: unknown, v: Value) { return super.eq(this.fold(r), this.fold(v)); }
  override ne(r: unknown, v: Value) { return super.ne(this.fold(r), this.fold(v)); }
  override co(r: unknown, v: Value) { return super.co(this.fold(r), this.fold(v)); }
  override sw(r: unknown, v: Value) { return super.sw(this.fold(r), this.fold(v)); }
  override ew(r: unknown, v: Value) { return super.ew(this.fold(r), this.fold(v)); }
}
const tester = new CaseInsensitiveTester();

/**
 * Parses a `filter` (RFC 7644 §3.4.2.2) with scim2-parse-filter: every operator (eq ne co sw ew
 * gt lt ge le pr), and/or/not, grouping and value paths (`emails[type eq "work"]`). Whatever the
 * parser refuses is a 400 invalidFilter, never a 500.
 */
export function parseFilter(expression: string): Filter {
  if (expression.length > MAX_FILTER_LENGTH) throw scimError('VALIDATION_ERROR', 'invalidFilter', `filter is longer than ${MAX_FILTER_LENGTH} characters`);
  try {
    return parse(expression);
  } catch (err) {
    throw scimError('VALIDATION_ERROR', 'invalidFilter', `filter cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Whether a resource (as SCIM renders it) matches the parsed filter. */
export const matches = (filter: Filter) => (resource: Record<string, unknown>): boolean => tester.test(resource, filter);
