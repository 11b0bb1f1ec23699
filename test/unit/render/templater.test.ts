import {
  compileTemplate,
  escapeHtml,
  TemplateError,
  trustedHtml,
} from '../../../functions/adapters/render/templater';

describe('compileTemplate', () => {
  it('escapes every value in html mode, in text and attributes', () => {
    const render = compileTemplate('<a href="{{url}}" title=\'{{title}}\'>{{title}}</a>');

    const html = render({ url: 'https://x.test/?a=1&b="2"', title: `<script>alert('x')</script>` });

    expect(html).toBe(
      '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;" title=\'&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\'>' +
        '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</a>',
    );
  });

  it('inserts trusted markup as is, and leaves text untouched in none mode', () => {
    expect(compileTemplate('{{a}}')({ a: trustedHtml('<b>x</b>') })).toBe('<b>x</b>');
    expect(compileTemplate('{{a}}', { escape: 'none' })({ a: 'R&D <3' })).toBe('R&D <3');
  });

  it('repeats each blocks with the item first, then the outer scope, and numbers from 1', () => {
    const render = compileTemplate('{{#each items}}{{@number}}:{{name}}/{{site}} {{/each}}');

    expect(render({ site: 'hf', items: [{ name: 'a' }, { name: 'b', site: 'arxiv' }] })).toBe(
      '1:a/hf 2:b/arxiv ',
    );
  });

  it('shows if blocks for truthy values and else blocks otherwise (an empty list is falsy)', () => {
    const render = compileTemplate('{{#if list}}some{{else}}none{{/if}}');

    expect(render({ list: [1] })).toBe('some');
    expect(render({ list: [] })).toBe('none');
    expect(render({ list: null })).toBe('none');
  });

  it('removes the lines of block tags that stand alone, so text templates keep their layout', () => {
    const render = compileTemplate('Papers:\n  {{#each papers}}\n  - {{this}}\n  {{/each}}\nend\n', {
      escape: 'none',
    });

    expect(render({ papers: ['a', 'b'] })).toBe('Papers:\n  - a\n  - b\nend\n');
  });

  it('includes partials', () => {
    const render = compileTemplate('[{{> inner}}]', { partials: { inner: '<i>{{x}}</i>' } });

    expect(render({ x: '&' })).toBe('[<i>&amp;</i>]');
  });

  it('fails loudly on a missing value, an unknown partial or an unclosed block', () => {
    expect(() => compileTemplate('{{nope}}')({})).toThrow(TemplateError);
    expect(() => compileTemplate('{{> nope}}')).toThrow(/unknown partial "nope"/);
    expect(() => compileTemplate('{{#if a}}x')).toThrow(/never closed/);
    expect(() => compileTemplate('{{/each}}')).toThrow(/unexpected/);
    expect(() => compileTemplate('{{a b}}')).toThrow(/cannot read/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
