import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import type { ConnectorState } from './domain/evolve.ts';

const holderRow = z.object({ connector_id: z.string() });
/** A name reservation whose write never reached the log (a crash in between) is free after this. */
const ABANDONED_AFTER = sql.fragment`interval '1 minute'`;

/**
 * The connectors' reservations (tables of the API's own, not read models): a name per project
 * (connector_names) and each version of a connector once (connector_commands).
 */
export class ConnectorReservations {
  private readonly db: DatabasePool;
  /** Whether this process knows the connector holding a name to be live (its name is then never taken over). */
  private readonly live: (connectorId: string) => boolean | undefined;
  constructor(db: DatabasePool, live: (connectorId: string) => boolean | undefined) {
    this.db = db;
    this.live = live;
  }

  /** Reserves the new versions and, when the name is new (a create, a rename), the name, in one transaction. */
  async reserve(versions: number[], next: ConnectorState, newName: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (newName) await this.reserveName(tx, next);
      const reserved = await tx.any(sql.unsafe`
        INSERT INTO connector_commands (connector_id, version)
        SELECT ${next.connectorId}, v FROM unnest(${sql.array(versions, 'int4')}) AS v
        ON CONFLICT DO NOTHING RETURNING version`);
      if (reserved.length !== versions.length) throw new DomainError('CONFLICT', 'the connector was changed concurrently; read it again and retry');
    });
  }

  /** Undoes `reserve` after a failed append, so a retry can take the same name and versions. */
  async release(versions: number[], next: ConnectorState, newName: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`DELETE FROM connector_commands WHERE connector_id = ${next.connectorId} AND version = ANY(${sql.array(versions, 'int4')})`);
      if (newName) await freeName(tx, next.projectId, next.definition.name, next.connectorId);
    });
  }

  /** Frees a name the connector no longer holds (deleted, renamed). */
  async freeName(projectId: string, name: string, connectorId: string): Promise<void> {
    await this.db.transaction((tx) => freeName(tx, projectId, name, connectorId));
  }

  /** Takes the name: free, held by a connector this process knows is gone, or abandoned. */
  private async reserveName(tx: DatabaseTransactionConnection, c: ConnectorState): Promise<void> {
    const { projectId, connectorId } = c;
    const name = c.definition.name;
    const taken = await tx.maybeOne(sql.type(holderRow)`
      INSERT INTO connector_names (project_id, name, connector_id) VALUES (${projectId}, ${name}, ${connectorId})
      ON CONFLICT DO NOTHING RETURNING connector_id`);
    if (taken) return;
    const holder = await tx.maybeOne(sql.type(holderRow)`
      SELECT connector_id FROM connector_names WHERE project_id = ${projectId} AND name = ${name} FOR UPDATE`);
    const live = holder ? this.live(holder.connector_id) : true;
    const stolen = live === true ? null : await tx.maybeOne(sql.type(holderRow)`
      UPDATE connector_names SET connector_id = ${connectorId}, reserved_at = now()
      WHERE project_id = ${projectId} AND name = ${name} AND connector_id = ${holder!.connector_id}
        AND (${live === false} OR reserved_at < now() - ${ABANDONED_AFTER})
      RETURNING connector_id`);
    if (!stolen) throw new DomainError('CONFLICT', `a connector named ${name} already exists`, holder ? { connectorId: holder.connector_id } : undefined);
  }
}

function freeName(tx: DatabaseTransactionConnection, projectId: string, name: string, connectorId: string) {
  return tx.query(sql.unsafe`DELETE FROM connector_names WHERE project_id = ${projectId} AND name = ${name} AND connector_id = ${connectorId}`);
}
