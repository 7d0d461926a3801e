import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { DRAFT_URL, planTrial, type TrialConfig } from './trial.ts';

const config: TrialConfig = {
  eventTypes: ['order.*'], filter: [{ field: '$.data.total', operator: 'gt', value: 100 }],
  transformation: 'function transform(w) { return w; }', url: 'https://shop.example/hooks', customHeaders: { 'X-Shop': 'acme', 'X-Env': 'prod' },
};
const sample = { type: 'order.created', payload: { total: 120 }, headers: { 'X-Env': 'test' } };
const problems = (fn: () => unknown) => {
  try { fn(); return []; } catch (e) { expect(e).toBeInstanceOf(DomainError); return (e as DomainError).details?.problems as string[]; }
};

describe('trying an endpoint on a sample event', () => {
  it('given a subscribed type and a holding filter, when planned, then matched, and the transformation gets the engine\'s input', () => {
    const plan = planTrial(config, sample);
    expect(plan.subscribed).toBe(true);
    expect(plan.filter).toEqual({ matched: true, decidedBy: null, rules: [{ index: 0, field: '$.data.total', operator: 'gt', matched: true }] });
    // The event's headers over the endpoint's custom headers, as the engine merges them.
    expect(plan.transform?.input).toEqual({ eventType: 'order.created', payload: { total: 120 }, headers: { 'X-Shop': 'acme', 'X-Env': 'test' }, url: 'https://shop.example/hooks' });
  });
  it('given a refusing filter and another type, when planned, then the rule that decided and not subscribed', () => {
    const plan = planTrial(config, { type: 'refund.created', payload: { total: 5 } });
    expect(plan.subscribed).toBe(false);
    expect(plan.filter).toMatchObject({ matched: false, decidedBy: 0 });
  });
  it('given a draft without event types, filter nor transformation, when planned, then nothing to check and nothing to run', () => {
    const plan = planTrial({ eventTypes: null, filter: null, transformation: null, url: DRAFT_URL, customHeaders: {} }, { payload: null });
    expect(plan).toEqual({ subscribed: null, filter: { matched: true, decidedBy: null, rules: [] }, transform: null });
  });
  it('given bad headers, a bad url or bad rules, when planned, then VALIDATION_ERROR naming each', () => {
    expect(problems(() => planTrial({ ...config, url: 'ftp://x', customHeaders: { 'Bad Name': 'x' } }, { ...sample, headers: { 'X-Mittr-Signature': 'forged' } }))).toHaveLength(3);
    expect(problems(() => planTrial({ ...config, filter: [{ field: 'total', operator: 'gt', value: 1 }] }, sample))).toHaveLength(1);
  });
  it('given a storage sink\'s s3 url and no transformation, when planned, then the url is not the trial\'s concern', () => {
    expect(planTrial({ ...config, transformation: null, url: 's3://bucket/prefix' }, sample).transform).toBeNull();
  });
});
