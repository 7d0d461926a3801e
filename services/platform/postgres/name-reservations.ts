import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { nameTakeover } from '../domain/name-takeover.ts';

/** A reservation whose write never reached the log (a crash in between) is free after this. */
const ABANDONED_AFTER = sql.fragment`interval '1 minute'`;

/**
 * The tables of a named aggregate's reservations (the API's own, not read models): `names`
 * (project_id, name, <idColumn>) holds a name per project, `commands` (<idColumn>, version)
 * each version once, so concurrent API processes cannot both append "version n+1".
 */
export type ReservationTables = { names: string; commands: string; idColumn: string; what: string };
/** The aggregate reserved: its id, project and (new) name. */
export type Reservable = { id: string; projectId: string; name: string };

export class NameReservations {
  private readonly db: DatabasePool;
  private readonly t: ReservationTables;
  private readonly known: (id: string) => { deleted: boolean } | undefined;
  private readonly holderRow: z.ZodObject<Record<string, z.ZodString>>;
  constructor(db: DatabasePool, tables: ReservationTables, known: (id: string) => { deleted: boolean } | undefined) {
    this.db = db;
    this.t = tables;
    this.known = known;
    this.holderRow = z.object({ [tables.idColumn]: z.string() });
  }

  /** Reserves the new versions and, when `withName` (a create, a rename), the name, in one transaction. */
  async reserve(versions: number[], r: Reservable, withName: boolean): Promise<void> {
    const { commands, idColumn } = this.t;
    await this.db.transaction(async (tx) => {
      if (withName) await this.reserveName(tx, r);
      const reserved = await tx.any(sql.unsafe`
        INSERT INTO ${sql.identifier([commands])} (${sql.identifier([idColumn])}, version)
        SELECT ${r.id}, v FROM unnest(${sql.array(versions, 'int4')}) AS v
        ON CONFLICT DO NOTHING RETURNING version`);
      if (reserved.length !== versions.length) throw new DomainError('CONFLICT', `the ${this.t.what} was changed concurrently; read it again and retry`);
    });
  }

  /** Undoes `reserve` after a failed append, so a retry can take the same name and versions. */
  async release(versions: number[], r: Reservable, withName: boolean): Promise<void> {
    const { commands, idColumn } = this.t;
    await this.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`DELETE FROM ${sql.identifier([commands])} WHERE ${sql.identifier([idColumn])} = ${r.id}
        AND version = ANY(${sql.array(versions, 'int4')})`);
      if (withName) await this.free(tx, r);
    });
  }

  /** Frees a name its aggregate no longer holds (deleted, renamed); one left behind is taken over by the next create. */
  async freeName(r: Reservable): Promise<void> {
    await this.db.transaction((tx) => this.free(tx, r));
  }

  /** Takes the name: free, or held by an aggregate that nameTakeover gives up. */
  private async reserveName(tx: DatabaseTransactionConnection, r: Reservable): Promise<void> {
    const names = sql.identifier([this.t.names]);
    const idColumn = sql.identifier([this.t.idColumn]);
    const row = sql.type(this.holderRow);
    const holderOf = (x: Record<string, string> | null) => (x ? x[this.t.idColumn]! : null);
    const taken = await tx.maybeOne(row`
      INSERT INTO ${names} (project_id, name, ${idColumn}) VALUES (${r.projectId}, ${r.name}, ${r.id})
      ON CONFLICT DO NOTHING RETURNING ${idColumn}`);
    if (taken) return;
    const holder = holderOf(await tx.maybeOne(row`SELECT ${idColumn} FROM ${names} WHERE project_id = ${r.projectId} AND name = ${r.name} FOR UPDATE`));
    const takeover = holder ? nameTakeover(this.known(holder)) : 'never';
    const stolen = takeover === 'never' ? null : await tx.maybeOne(row`
      UPDATE ${names} SET ${idColumn} = ${r.id}, reserved_at = now()
      WHERE project_id = ${r.projectId} AND name = ${r.name} AND ${idColumn} = ${holder}
        AND (${takeover === 'now'} OR reserved_at < now() - ${ABANDONED_AFTER})
      RETURNING ${idColumn}`);
    if (!stolen) throw new DomainError('CONFLICT', `${/^[aeiou]/.test(this.t.what) ? 'an' : 'a'} ${this.t.what} named ${r.name} already exists`, holder ? { [`${camel(this.t.idColumn)}`]: holder } : undefined);
  }

  private free(tx: DatabaseTransactionConnection, r: Reservable) {
    return tx.query(sql.unsafe`DELETE FROM ${sql.identifier([this.t.names])}
      WHERE project_id = ${r.projectId} AND name = ${r.name} AND ${sql.identifier([this.t.idColumn])} = ${r.id}`);
  }
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
