import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { secretView } from '../platform/security/secrets.ts';
import { planOf } from '../plans/account-plan.ts';
import type { PlanNotice } from '../plans/domain/endpoint-rate.ts';
import { decideWithNotices, type EndpointCommand } from './domain/decide.ts';
import { evolve, type EndpointState } from './domain/evolve.ts';
import { EndpointVersions } from './reservations.ts';
import type { EndpointInput } from './domain/config.ts';
import { sealStorageInput } from './domain/storage.ts';

const uuid = z.uuid();

/** The endpoints' commands: load (this process's store) → decide (pure) → reserve the versions → append → apply. */
export function endpointCommands(ctx: ApiContext) {
  const versions = new EndpointVersions(ctx.db);

  /** The endpoint as this process knows it, if it belongs to the caller's project. */
  function current(p: Principal, id: string): EndpointState | undefined {
    const s = uuid.safeParse(id).success ? ctx.store.state.endpoints.get(id) : undefined;
    return s && s.accountId === p.accountId && s.projectId === p.projectId && !s.deleted ? s : undefined;
  }

  /** Decides, reserves the versions, appends, and applies the events to this process's store. */
  async function run(state: EndpointState | undefined, cmd: EndpointCommand): Promise<EndpointState | undefined> {
    return (await runWithNotices(state, cmd)).state;
  }

  /** run, answering too what the account's plan changed of the configuration asked for. */
  async function runWithNotices(state: EndpointState | undefined, cmd: EndpointCommand): Promise<{ state: EndpointState | undefined; notices: PlanNotice[] }> {
    const accountId = cmd.type === 'Create' ? cmd.accountId : state?.accountId ?? '';
    const { events, notices } = decideWithNotices(state, cmd, Date.now(), planOf(ctx, accountId));
    if (events.length === 0) return { state, notices };
    const id = events[0]!.endpointId;
    const taken = events.map((e) => e.version);
    if (!(await versions.reserve(id, taken))) throw new DomainError('CONFLICT', 'the endpoint was changed concurrently; read it again and retry');
    const positions = await appendReserved(ctx, {
      records: events.map((event) => ({ topic: ctx.topics.endpoints, key: id, event })),
      readModel: 'endpoints', ids: [id], release: () => versions.release(id, taken),
    });
    const last = Number(positions[0]!.offset);
    events.forEach((e, i) => ctx.store.apply(e, last - (events.length - 1 - i)));
    return { state: events.reduce<EndpointState | undefined>(evolve, state), notices };
  }

  function found(p: Principal, id: string): EndpointState {
    const s = current(p, id);
    if (!s) throw new DomainError('NOT_FOUND', 'endpoint not found');
    return s;
  }

  function mtlsCommand(certPem: string, keyPem: string): EndpointCommand {
    return { type: 'ConfigureMtls', certPem, keyPem, keyPemEnc: ctx.secrets.seal(keyPem) };
  }

  /** The workspace's secrets, as every role keeps them. */
  function accountOf(p: Principal) {
    const account = ctx.store.state.accounts.get(p.accountId);
    if (!account) throw new DomainError('NOT_FOUND', 'account not found');
    return account;
  }

  /**
   * The secret that signs the endpoint's deliveries (its own, or the workspace's global one),
   * with the one it replaced while that still signs alongside.
   */
  function secretsOf(p: Principal, s: EndpointState) {
    const own = s.signingSecretEnc !== '';
    return { signingSecretSource: own ? 'endpoint' as const : 'global' as const, ...secretView(ctx.secrets, own ? s : accountOf(p), Date.now()) };
  }

  /** The input with a storage sink's credentials sealed: the decider and the log only see ciphertext. */
  function sealInput(input: EndpointInput): EndpointInput {
    return input.storageConfig === undefined ? input : { ...input, storageConfig: sealStorageInput(input.storageConfig, (p) => ctx.secrets.seal(p)) };
  }

  return { found, run, runWithNotices, mtlsCommand, accountOf, secretsOf, sealInput };
}
