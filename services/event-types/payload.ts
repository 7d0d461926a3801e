import { DomainError } from '../platform/domain/errors.ts';
import type { EventTypeState } from './domain/evolve.ts';
import { compileSchema, type Validator } from './json-schema.ts';

type Compiled = { version: number; validate: Validator | null; release(): void; bytes: number };

/**
 * Compiled schemas by event type id, least recently used first, bounded by count and by schema
 * bytes. One version per event type: a newer version replaces (and frees) the older one.
 */
export class ValidatorCache {
  private readonly map = new Map<string, Compiled>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(maxEntries = 1_000, maxBytes = 16 * 1_048_576) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** The validator of this version of the event type's schema, compiled on first use. */
  get(et: EventTypeState): Validator | null {
    const hit = this.map.get(et.eventTypeId);
    if (hit) {
      this.map.delete(et.eventTypeId);
      if (hit.version === et.version) {
        this.map.set(et.eventTypeId, hit);
        return hit.validate;
      }
      this.drop(hit);
    }
    const entry = this.compile(et);
    this.map.set(et.eventTypeId, entry);
    this.bytes += entry.bytes;
    for (const [id, old] of this.map) {
      if (this.map.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      if (id === et.eventTypeId) continue;
      this.map.delete(id);
      this.drop(old);
    }
    return entry.validate;
  }

  get size(): number {
    return this.map.size;
  }

  private compile(et: EventTypeState): Compiled {
    const text = et.definition.schema;
    if (text === null) return { version: et.version, validate: null, release: () => undefined, bytes: 0 };
    const compiled = compileSchema(JSON.parse(text));
    // Accepted schemas compiled when they were defined; if one stops compiling (an engine upgrade),
    // events of the type are accepted unchecked rather than all refused.
    if ('problems' in compiled) return { version: et.version, validate: null, release: () => undefined, bytes: 0 };
    return { version: et.version, validate: compiled.validate, release: compiled.release, bytes: text.length };
  }

  private drop(c: Compiled): void {
    this.bytes -= c.bytes;
    c.release();
  }
}

const validators = new ValidatorCache();

/**
 * Checks an event's payload against the JSON Schema of its event type, if the project defines
 * that type with a schema; throws VALIDATION_ERROR with `errors: [{path, message, keyword}]`.
 * Reads the in-memory configuration only: no query on the hot path.
 */
export function validatePayload(
  eventTypes: { byName(projectId: string, name: string): EventTypeState | undefined },
  projectId: string, eventType: string | null | undefined, payload: unknown,
): void {
  if (!eventType) return;
  const et = eventTypes.byName(projectId, eventType);
  if (!et || et.definition.schema === null) return;
  const errors = validators.get(et)?.(payload) ?? [];
  if (errors.length === 0) return;
  const first = errors[0]!;
  throw new DomainError('VALIDATION_ERROR',
    `payload does not match the schema of event type ${eventType}: ${first.path || '(root)'} ${first.message}`, { errors });
}
