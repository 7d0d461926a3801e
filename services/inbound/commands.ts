import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import type { ConfigDeps } from './domain/config.ts';
import { decide, type InboundCommand } from './domain/decide.ts';
import { evolve, type InboundState } from './domain/evolve.ts';
import { InboundReservations } from './reservations.ts';

const uuid = z.uuid();

/** The inbound endpoints' commands: load (this process's store) → decide (pure) → reserve suffix and versions → append → apply. */
export function inboundCommands(ctx: ApiContext) {
  const reservations = new InboundReservations(ctx.db, (id) => ctx.store.state.inboundEndpoints.get(id));

  /** The inbound endpoint as this process knows it, if it belongs to the caller's project. */
  function found(p: Principal, id: string): InboundState {
    const s = uuid.safeParse(id).success ? ctx.store.state.inboundEndpoints.get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) throw new DomainError('NOT_FOUND', 'inbound endpoint not found');
    return s;
  }

  /** What the decider checks a configuration with, for the caller's project. */
  function depsFor(p: Principal): ConfigDeps {
    return {
      seal: (plain) => ctx.secrets.seal(plain),
      open: (sealed) => ctx.secrets.open(sealed),
      isOwnEndpoint: (id) => {
        const ep = uuid.safeParse(id).success ? ctx.store.state.endpoints.get(id) : undefined;
        return ep !== undefined && !ep.deleted && ep.accountId === p.accountId && ep.projectId === p.projectId;
      },
      // 16 random characters of base64url: unguessable, so the URL is no invitation to probe.
      newSuffix: () => randomBytes(12).toString('base64url').replace(/^[-_]/, 'x'),
    };
  }

  async function run(p: Principal, state: InboundState | undefined, cmd: InboundCommand): Promise<InboundState> {
    const events = decide(state, cmd, Date.now(), depsFor(p));
    if (events.length === 0) return state!;
    const next = events.reduce<InboundState | undefined>(evolve, state)!;
    const versions = events.map((e) => e.version);
    const suffix = !next.deleted && next.config.pathSuffix !== state?.config.pathSuffix ? next.config.pathSuffix : null;
    await reservations.reserve(versions, next, suffix);
    const positions = await appendReserved(ctx, {
      records: events.map((event) => ({ topic: ctx.topics.inboundEndpoints, key: next.inboundEndpointId, event })),
      readModel: 'inbound-endpoints', ids: [next.inboundEndpointId], release: () => reservations.release(versions, next, suffix),
    });
    const last = Number(positions.at(-1)!.offset);
    events.forEach((e, i) => ctx.store.apply(e, last - (events.length - 1 - i)));
    // The suffix it left (a move or a delete) is free for the next endpoint at once.
    const left = state && (next.deleted || suffix !== null) ? state.config.pathSuffix : null;
    if (left !== null) await reservations.freeSuffix(next.inboundEndpointId, left).catch(() => undefined);
    return next;
  }

  return { found, run };
}
