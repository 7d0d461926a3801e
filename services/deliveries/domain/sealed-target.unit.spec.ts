import { describe, expect, it } from 'vitest';
import { parseSealedTarget, sealedTarget } from './sealed-target.ts';

describe('sealed delivery targets', () => {
  it('given a masked URL and its sealed form, when encoded and parsed, then both come back', () => {
    const t = sealedTarget('https://hooks.slack.com/****', 'v1.kid.iv.ct.tag');
    expect(t).toBe('sealed:https://hooks.slack.com/****|v1.kid.iv.ct.tag');
    expect(parseSealedTarget(t)).toEqual({ masked: 'https://hooks.slack.com/****', sealed: 'v1.kid.iv.ct.tag' });
  });
  it('given a plain URL (or one with a | in it), when parsed, then null: it is sent as it is', () => {
    expect(parseSealedTarget('https://example.com/a|b')).toBeNull();
    expect(parseSealedTarget('sealed:')).toBeNull();
  });
});
