import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../platform/domain/errors.ts';
import { buildDefinition } from './definition.ts';
import { checkTheme, isThemeUrl } from './theme.ts';

const base = { name: 'Acme', subID: 'cust_1', metadata: '{}', allowedOrigins: [], portalTheme: null };
const problemsOf = (input: unknown) => checkTheme(input).problems;

describe('portal theme', () => {
  it('given every field well-formed, when checked, then the theme with each, unset ones null', () => {
    expect(checkTheme({ primaryColor: '#0A7F5A', accentColor: '#f06', logoUrl: 'https://cdn.example.com/a/logo.svg?v=2', mode: 'dark', fontFamily: 'Open Sans, Helvetica Neue, sans-serif' }))
      .toEqual({ problems: [], theme: { primaryColor: '#0A7F5A', accentColor: '#f06', logoUrl: 'https://cdn.example.com/a/logo.svg?v=2', mode: 'dark', fontFamily: 'Open Sans, Helvetica Neue, sans-serif' } });
    expect(checkTheme({ mode: 'light' }).theme).toEqual({ primaryColor: null, accentColor: null, logoUrl: null, mode: 'light', fontFamily: null });
    expect(checkTheme(null)).toEqual({ theme: null, problems: [] });
  });
  it('given colours that are not hex, or that carry CSS, when checked, then a problem names the field', () => {
    for (const c of ['red', '#12', '#12345', '#ggg', 'rgb(0,0,0)', '#fff; background: url(x)', '#fff}', ' #fff', 42]) {
      expect(problemsOf({ primaryColor: c }), String(c)).toEqual([expect.stringMatching(/^portalTheme\.primaryColor must be a hex colour/)]);
      expect(problemsOf({ accentColor: c }), String(c)).toHaveLength(1);
    }
  });
  it('given a logo that is not https nor a path on mittr, when checked, then a problem', () => {
    for (const u of ['http://cdn.example.com/l.png', 'javascript:alert(1)', 'data:image/svg+xml,<svg/>', '//evil.example/l.png', '/\\evil.example',
      'https://user:pw@cdn.example.com/l.png', 'https://cdn.example.com/l.png") ; x', 'https://cdn.example.com/a b.png', 'logo.png', `https://a.example/${'x'.repeat(2048)}`]) {
      expect(isThemeUrl(u), u).toBe(false);
      expect(problemsOf({ logoUrl: u }), u).toHaveLength(1);
    }
    expect(isThemeUrl('/ui/assets/logo.svg')).toBe(true);
    expect(isThemeUrl('https://cdn.example.com/logo.png')).toBe(true);
  });
  it('given a bad mode, a font that could break out of its declaration, or an unknown field, when checked, then each is a problem', () => {
    expect(problemsOf({ mode: 'auto' })).toEqual(['portalTheme.mode must be light or dark']);
    for (const f of ['Inter; color: red', 'Inter}', "'Inter'", 'url(x)', 'Inter\\', '', 'x'.repeat(101)]) expect(problemsOf({ fontFamily: f }), f).toHaveLength(1);
    expect(problemsOf({ background: '#fff', css: 'x' })).toHaveLength(2);
    expect(problemsOf([])).toEqual(['portalTheme must be an object (or null for none)']);
    expect(problemsOf('dark')).toHaveLength(1);
  });
  it('given a sub-account, when its theme is set, replaced and cleared, then the definition follows; a bad one is VALIDATION_ERROR listing each problem', () => {
    const themed = buildDefinition(base, { portalTheme: { primaryColor: '#0a7f5a', mode: 'dark' } });
    expect(themed.portalTheme).toMatchObject({ primaryColor: '#0a7f5a', mode: 'dark', accentColor: null });
    expect(buildDefinition(themed, { name: 'Renamed' }).portalTheme).toEqual(themed.portalTheme);
    expect(buildDefinition(themed, { portalTheme: { accentColor: '#fff' } }).portalTheme).toMatchObject({ primaryColor: null, accentColor: '#fff' });
    expect(buildDefinition(themed, { portalTheme: null }).portalTheme).toBeNull();
    try {
      buildDefinition(base, { portalTheme: { primaryColor: 'red', logoUrl: 'javascript:x' } });
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('VALIDATION_ERROR');
      expect((e as DomainError).details?.problems).toHaveLength(2);
    }
  });
});
