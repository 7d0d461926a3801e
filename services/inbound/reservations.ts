import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import type { InboundState } from './domain/evolve.ts';
import { suffixTakeover } from './domain/suffix.ts';

const holderRow = z.object({ inbound_endpoint_id: z.string() });
/** A suffix reservation whose write never reached the log (a crash in between) is free after this. */
const ABANDONED_AFTER = sql.fragment`interval '1 minute'`;

/**
 * The inbound endpoints' reservations (tables of the API's own, not read models): each path
 * suffix once across the deployment (inbound_path_suffixes), each version of an inbound
 * endpoint once (inbound_endpoint_commands).
 */
export class InboundReservations {
  private readonly db: DatabasePool;
  private readonly known: (id: string) => InboundState | undefined;
  constructor(db: DatabasePool, known: (id: string) => InboundState | undefined) {
    this.db = db;
    this.known = known;
  }

  /** Reserves the new versions and, when `suffix` is new to this endpoint, the suffix, in one transaction. */
  async reserve(versions: number[], next: InboundState, suffix: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (suffix !== null) await this.reserveSuffix(tx, next.inboundEndpointId, suffix);
      const reserved = await tx.any(sql.unsafe`
        INSERT INTO inbound_endpoint_commands (inbound_endpoint_id, version)
        SELECT ${next.inboundEndpointId}, v FROM unnest(${sql.array(versions, 'int4')}) AS v
        ON CONFLICT DO NOTHING RETURNING version`);
      if (reserved.length !== versions.length) throw new DomainError('CONFLICT', 'the inbound endpoint was changed concurrently; read it again and retry');
    });
  }

  /** Undoes `reserve` after a failed append, so a retry can take the same suffix and versions. */
  async release(versions: number[], next: InboundState, suffix: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`DELETE FROM inbound_endpoint_commands WHERE inbound_endpoint_id = ${next.inboundEndpointId}
        AND version = ANY(${sql.array(versions, 'int4')})`);
      if (suffix !== null) await freeSuffix(tx, next.inboundEndpointId, suffix);
    });
  }

  /** Frees a suffix the endpoint no longer uses (deleted, or moved to another). */
  async freeSuffix(inboundEndpointId: string, suffix: string): Promise<void> {
    await this.db.transaction((tx) => freeSuffix(tx, inboundEndpointId, suffix));
  }

  /** Takes `suffix` for the endpoint: free, or held by one that suffixTakeover gives up. */
  private async reserveSuffix(tx: DatabaseTransactionConnection, id: string, suffix: string): Promise<void> {
    const taken = await tx.maybeOne(sql.type(holderRow)`
      INSERT INTO inbound_path_suffixes (path_suffix, inbound_endpoint_id) VALUES (${suffix}, ${id})
      ON CONFLICT DO NOTHING RETURNING inbound_endpoint_id`);
    if (taken) return;
    const holder = await tx.maybeOne(sql.type(holderRow)`
      SELECT inbound_endpoint_id FROM inbound_path_suffixes WHERE path_suffix = ${suffix} FOR UPDATE`);
    const takeover = !holder ? 'never' : holder.inbound_endpoint_id === id ? 'now' : suffixTakeover(this.known(holder.inbound_endpoint_id), suffix);
    const stolen = takeover === 'never' ? null : await tx.maybeOne(sql.type(holderRow)`
      UPDATE inbound_path_suffixes SET inbound_endpoint_id = ${id}, reserved_at = now()
      WHERE path_suffix = ${suffix} AND inbound_endpoint_id = ${holder!.inbound_endpoint_id}
        AND (${takeover === 'now'} OR reserved_at < now() - ${ABANDONED_AFTER})
      RETURNING inbound_endpoint_id`);
    if (!stolen) throw new DomainError('CONFLICT', `the path suffix ${suffix} is taken; choose another`, { pathSuffix: suffix });
  }
}

function freeSuffix(tx: DatabaseTransactionConnection, id: string, suffix: string) {
  return tx.query(sql.unsafe`DELETE FROM inbound_path_suffixes WHERE path_suffix = ${suffix} AND inbound_endpoint_id = ${id}`);
}
