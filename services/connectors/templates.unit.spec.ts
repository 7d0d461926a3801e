import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from './domain/catalog.ts';
import { render, templateContext, templateProblems } from './templates.ts';

const ctx = templateContext({ eventType: 'order.created', eventId: 'e1', at: 0, payload: { order_id: 42, customer_name: 'Ann', message: 'paid', items: [{ sku: 'a' }, { sku: 'b' }], meta: { z: 1, a: 2 } } });

describe('templates (liquidjs, Go syntax)', () => {
  it('given 000\'s variables, when rendered, then event_type, message, payload and the top-level fields', async () => {
    expect(await render('New {{.event_type}} from {{.customer_name}}: Order #{{.order_id}} {{.payload.order_id}} {{.message}}', ctx))
      .toBe('New order.created from Ann: Order #42 42 paid');
  });
  it('given the defaults, when rendered, then 000\'s texts; the e-mail body lists every payload field', async () => {
    expect(await render(DEFAULT_TEMPLATES.slack.text!, ctx)).toBe('order.created: paid');
    expect(await render(DEFAULT_TEMPLATES.email.subject!, ctx)).toBe('[Mittr] order.created');
    expect(await render(DEFAULT_TEMPLATES.email.body!, ctx)).toBe(
      'customer_name: Ann\nitems: [{"sku":"a"},{"sku":"b"}]\nmessage: paid\nmeta: {"z":1,"a":2}\norder_id: 42\n');
  });
  it('given ranges and conditions, when rendered, then as Go would', async () => {
    expect(await render('{{range .items}}[{{.sku}}]{{end}}{{if eq .customer_name "Ann"}} hi{{else}} who{{end}}{{if .missing}}!{{end}}', ctx)).toBe('[a][b] hi');
  });
  it('given Liquid file tags in a template, when rendered, then they are printed, never run', async () => {
    expect(await render('{% include "/etc/passwd" %}{% render "x" %}', ctx)).toBe('{% include "/etc/passwd" %}{% render "x" %}');
  });
  it('given a template that cannot run, when checked, then a problem per field; a good one none', () => {
    expect(templateProblems({ text: '{{.x', title: '{{.event_type}}', subject: '{{if .a}}' }))
      .toEqual([expect.stringMatching(/^template\.text: unclosed action/), expect.stringMatching(/^template\.subject: unclosed/)]);
    expect(templateProblems({ text: '{{.event_type}}' })).toEqual([]);
  });
  it('given a render that would grow without bound, when rendered, then it fails (a recorded failure), not the process', async () => {
    const big = templateContext({ eventType: 't', eventId: 'e', at: 0, payload: { l: Array.from({ length: 1000 }, (_, i) => 'x'.repeat(1000) + i) } });
    await expect(render('{{range .l}}{{range $.l}}{{range $.l}}{{.}}{{end}}{{end}}{{end}}', big)).rejects.toThrow(/limit/i);
  });
});
