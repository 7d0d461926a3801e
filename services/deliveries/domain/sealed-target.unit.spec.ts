import { describe, expect, it } from 'vitest';
import { parseSealedTarget, sealedTarget } from './sealed-target.ts';

describe('sealed delivery targets', () => {
  it('given a masked URL and its sealed form, when encoded and parsed, then both come back', () => {
    const t = sealedTarget('https://hooks.slack.com/****', 'v1.kid.iv.ct.tag');
    expect(t).toBe('sealed:https://hooks.slack.com/****|v1.kid.iv.ct.tag');
    expect(parseSealedTarget(t)).toEqual({ masked: 'https://hooks.slack.com/****', sealed: 'v1.kid.iv.ct.tag', sealedHeaders: null });
  });
  it('given sealed headers too, when encoded and parsed, then all three come back', () => {
    expect(parseSealedTarget(sealedTarget('https://x.example/****', 'v1.a.b.c.d', 'v1.e.f.g.h'))).toEqual({ masked: 'https://x.example/****', sealed: 'v1.a.b.c.d', sealedHeaders: 'v1.e.f.g.h' });
    expect(() => sealedTarget('https://x.example/a|b', 'v1')).toThrow();
  });
  it('given a plain URL, or a malformed sealed one, when parsed, then null: it is sent as it is', () => {
    expect(parseSealedTarget('https://example.com/a|b')).toBeNull();
    expect(parseSealedTarget('sealed:')).toBeNull();
    expect(parseSealedTarget('sealed:a|b|c|d')).toBeNull();
  });
});
