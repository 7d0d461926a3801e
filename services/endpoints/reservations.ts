import { sql, type DatabasePool } from 'slonik';

const NOT_ALL = Symbol('some versions were taken');

/**
 * An endpoint's versions, each taken once (endpoint_commands, a table of the API's own): of two
 * concurrent changes to one endpoint, the second finds its version taken and answers CONFLICT.
 */
export class EndpointVersions {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /** Takes `versions` of `endpointId`; false (and none taken) when any was taken already. */
  async reserve(endpointId: string, versions: number[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const taken = await tx.any(sql.unsafe`
        INSERT INTO endpoint_commands (endpoint_id, version)
        SELECT ${endpointId}, v FROM unnest(${sql.array(versions, 'int4')}) AS v
        ON CONFLICT DO NOTHING RETURNING version`);
      if (taken.length !== versions.length) throw NOT_ALL;
      return true;
    }).catch((err: unknown) => {
      // Rolled back: a version this command took is not left behind to block the next change.
      if (err === NOT_ALL) return false;
      throw err;
    });
  }

  /** Frees versions whose events never reached the log, so a retry may take them. */
  async release(endpointId: string, versions: number[]): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM endpoint_commands WHERE endpoint_id = ${endpointId}
      AND version = ANY(${sql.array(versions, 'int4')})`);
  }
}
