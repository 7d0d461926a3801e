import { describe, expect, it } from 'vitest';
import type { Workspace } from './domain/decide.ts';
import type { WorkspaceErased } from './domain/messages.ts';
import { eraseWorkspace, type ErasurePorts } from './erase.ts';

const T = 1_700_000_000_000;
const cmd = { type: 'EraseWorkspace' as const, confirm: 'acc-1', requestedBy: 'user-1' };

/** A workspace, a key store and a log in memory, with a crash that can be set at either step. */
function world(crashAt: 'shred' | 'append' | null) {
  const steps: string[] = [];
  const log: WorkspaceErased[] = [];
  const shredded = new Set<string>();
  let crash = crashAt;
  const ports: ErasurePorts = {
    workspace: (id): Workspace | undefined => (id === 'acc-1' ? { accountId: id, companyName: 'Acme', projectIds: ['p1'], erased: log.some((e) => e.accountId === id) } : undefined),
    shredDataKey: async (id) => { steps.push('shred'); if (crash === 'shred') { crash = null; throw new Error('crashed while shredding'); } shredded.add(id); },
    append: async (e) => { steps.push('append'); if (crash === 'append') { crash = null; throw new Error('crashed while appending'); } log.push(e); },
    // u-solo is a member of acc-1 only, u-both of acc-1 and the live acc-2, u-gone of acc-1 and the erased acc-0.
    members: () => [{ userId: 'u-solo', workspaces: ['acc-1'] }, { userId: 'u-both', workspaces: ['acc-1', 'acc-2'] }, { userId: 'u-gone', workspaces: ['acc-0', 'acc-1'] }],
    erased: (id) => id === 'acc-0',
    now: () => T,
  };
  return { ports, steps, log, shredded };
}

describe('erasing a workspace', () => {
  it('given a live workspace, when erased, then its key is shredded before WorkspaceErased is appended', async () => {
    const w = world(null);
    expect(await eraseWorkspace(w.ports, 'acc-1', cmd)).toEqual({ accountId: 'acc-1', erasedAt: T });
    expect(w.steps).toEqual(['shred', 'shred', 'shred', 'append']);
    expect(w.shredded.has('acc-1')).toBe(true);
    expect(w.log).toEqual([{ type: 'WorkspaceErased', accountId: 'acc-1', projectIds: ['p1'], requestedBy: 'user-1', erasedAt: T }]);
  });
  it('given members, when erased, then the keys of the users it leaves in no live workspace are shredded too, not those of a member elsewhere', async () => {
    const w = world(null);
    await eraseWorkspace(w.ports, 'acc-1', cmd);
    expect([...w.shredded].sort()).toEqual(['acc-1', 'u-gone', 'u-solo']);
  });
  it('given a crash while shredding, then nothing is recorded, and a retry completes it', async () => {
    const w = world('shred');
    await expect(eraseWorkspace(w.ports, 'acc-1', cmd)).rejects.toThrow('crashed while shredding');
    expect(w.log).toEqual([]);
    await eraseWorkspace(w.ports, 'acc-1', cmd);
    expect(w.shredded.has('acc-1')).toBe(true);
    expect(w.log).toHaveLength(1);
  });
  it('given a crash after the shred and before the append, then the retry shreds again (idempotent) and records the erasure once', async () => {
    const w = world('append');
    await expect(eraseWorkspace(w.ports, 'acc-1', cmd)).rejects.toThrow('crashed while appending');
    expect(w.shredded.has('acc-1')).toBe(true);
    expect(w.log).toEqual([]);
    await eraseWorkspace(w.ports, 'acc-1', cmd);
    expect(w.steps).toEqual(['shred', 'shred', 'shred', 'append', 'shred', 'shred', 'shred', 'append']);
    expect(w.log).toHaveLength(1);
  });
  it('given an erased workspace, when erased again, then the key is shredded again and nothing more is appended', async () => {
    const w = world(null);
    await eraseWorkspace(w.ports, 'acc-1', cmd);
    await eraseWorkspace(w.ports, 'acc-1', cmd);
    expect(w.log).toHaveLength(1);
    expect(w.steps).toEqual(['shred', 'shred', 'shred', 'append', 'shred', 'shred', 'shred']);
  });
  it('given a wrong confirmation, then nothing is shredded or appended', async () => {
    const w = world(null);
    await expect(eraseWorkspace(w.ports, 'acc-1', { ...cmd, confirm: 'nope' })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(w.steps).toEqual([]);
  });
});
