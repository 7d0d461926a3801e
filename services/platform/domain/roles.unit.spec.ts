import { describe, expect, it } from 'vitest';
import { atLeast } from './roles.ts';

describe('roles', () => {
  it('given admin, when anything, then allowed', () => {
    for (const r of ['viewer', 'editor', 'admin'] as const) expect(atLeast('admin', r)).toBe(true);
  });
  it('given editor, when an admin operation, then refused; an editor or viewer one, allowed', () => {
    expect(atLeast('editor', 'admin')).toBe(false);
    expect(atLeast('editor', 'editor')).toBe(true);
    expect(atLeast('editor', 'viewer')).toBe(true);
  });
  it('given viewer, when a change, then refused', () => {
    expect(atLeast('viewer', 'editor')).toBe(false);
    expect(atLeast('viewer', 'viewer')).toBe(true);
  });
});
