import { describe, expect, it } from 'vitest';
import { goToLiquid, TemplateError } from './go-template.ts';

const liquid = (src: string) => goToLiquid(src).liquid;

describe('Go template → Liquid', () => {
  it('given fields, when translated, then each reads the context under __c and the text is data, not syntax', () => {
    expect(goToLiquid('New {{.event_type}} from {{.customer_name}}')).toEqual({
      liquid: '{{ __l[0] }}{{ __c["event_type"] }}{{ __l[1] }}{{ __c["customer_name"] }}', literals: ['New ', ' from '],
    });
    expect(liquid('{{.payload.order.id}}')).toBe('{{ __c["payload"]["order"]["id"] }}');
    expect(liquid('{{$.message}}')).toBe('{{ __c["message"] }}');
  });
  it('given Liquid tags in the text, when translated, then they stay text (no include can run)', () => {
    expect(goToLiquid('{% include "/etc/passwd" %}')).toEqual({ liquid: '{{ __l[0] }}', literals: ['{% include "/etc/passwd" %}'] });
  });
  it('given if / else if / else / not, when translated, then Liquid conditions with Go\'s emptiness', () => {
    expect(liquid('{{if .a}}A{{else if eq .b "x"}}B{{else}}C{{end}}'))
      .toBe('{% if __c["a"] != blank %}{{ __l[0] }}{% elsif __c["b"] == __l[1] %}{{ __l[2] }}{% else %}{{ __l[3] }}{% endif %}');
    expect(liquid('{{if not .a}}N{{end}}')).toBe('{% unless __c["a"] != blank %}{{ __l[0] }}{% endunless %}');
    expect(liquid('{{if and .a .b}}Y{{end}}')).toBe('{% if __c["a"] != blank and __c["b"] != blank %}{{ __l[0] }}{% endif %}');
  });
  it('given range with and without variables, when translated, then for-loops over [key, value] pairs, bounded', () => {
    expect(liquid('{{range .items}}{{.n}}{{end}}'))
      .toBe('{% assign __e0 = __c["items"] | entries %}{% for __p0 in __e0 limit: 1000 %}{{ __p0[1]["n"] }}{% endfor %}');
    expect(liquid('{{range $k, $v := .payload}}{{$k}}={{$v}}{{end}}'))
      .toBe('{% assign __e0 = __c["payload"] | entries %}{% for __p0 in __e0 limit: 1000 %}{{ __p0[0] }}{{ __l[0] }}{{ __p0[1] }}{% endfor %}');
  });
  it('given trim markers, comments and functions, when translated, then whitespace trimmed, comments gone, filters used', () => {
    expect(goToLiquid('a  {{- .x -}}  b{{/* note */}}').literals).toEqual(['a', 'b']);
    expect(liquid('{{len .items}} {{html .x}} {{urlquery .y}} {{index .m "k"}}'))
      .toBe('{{ __c["items"] | size }}{{ __l[0] }}{{ __c["x"] | escape }}{{ __l[1] }}{{ __c["y"] | url_encode }}{{ __l[2] }}{{ __c["m"][__l[3]] }}');
  });
  it('given what Go would not parse or this subset does not hold, when translated, then a TemplateError naming it', () => {
    for (const [src, message] of [
      ['{{.x', /unclosed action/], ['{{if .x}}', /unclosed \{\{if\}\}/], ['{{end}}', /without if or range/],
      ['{{foo .x}}', /unknown function "foo"/], ['{{with .x}}{{end}}', /not supported/], ['{{$nope}}', /undefined variable/],
      ['{{.a-b}}', /bad field name/], ['{{.x | printf "%s"}}', /pipelines/], ['{{"open}}', /unterminated string/], ['{{.}}', /outside a range/],
    ] as const) expect(() => goToLiquid(src), src).toThrow(message);
    expect(() => goToLiquid('x'.repeat(20_000))).toThrow(TemplateError);
  });
});
