import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLiquid } from '../../templates/liquid-compiler.js';
import { createEmailLiquid, TemplateError, TemplateRenderer } from '../../templates/renderer.js';
import { templateData } from '../helpers/liquid-data.js';

const liquids = { html: createEmailLiquid('html'), text: createEmailLiquid('text') };
type Part = keyof typeof liquids;

function compiled(source: string, part: Part) {
  const result = compileLiquid(liquids[part].parse(source), liquids[part]);
  if (!result.ok) throw new Error(`not compiled: ${JSON.stringify(result.problems)}`);
  return result.render;
}

/** The compiled output, after checking that liquidjs renders exactly the same. */
async function render(source: string, data: Record<string, unknown>, part: Part = 'html'): Promise<string> {
  const output = compiled(source, part)(data);
  expect(output).toBe(await liquids[part].parseAndRender(source, data));
  return output;
}

describe('Liquid compiled to JavaScript renders as liquidjs does', () => {
  it('renders nothing for missing variables and nil, and falls back with default', async () => {
    const source = '[{{ missing }}|{{ contact.missing.deeper }}|{{ nil }}|{{ contact.none | default: "there" }}|{{ contact.off | default: "d" }}|{{ contact.off | default: "d", allow_false: true }}|{{ contact.empty | default: "e" }}|{{ contact.zero | default: "z" }}]';
    expect(await render(source, { contact: { none: null, off: false, empty: '', zero: 0 } })).toBe('[|||there|d|false|e|0]');
  });

  it('escapes <&"\' in HTML output, not in the subject or text part, and not after | raw', async () => {
    const data = { name: `<b>Tom & "Jerry"'s</b>` };
    expect(await render('{{ name }}', data, 'html')).toBe('&lt;b&gt;Tom &amp; &#34;Jerry&#34;&#39;s&lt;/b&gt;');
    expect(await render('{{ name }}', data, 'text')).toBe(`<b>Tom & "Jerry"'s</b>`);
    expect(await render('{{ name | raw }}', data, 'html')).toBe(`<b>Tom & "Jerry"'s</b>`);
    expect(await render('{{ name | escape }}', data, 'html')).toBe('&amp;lt;b&amp;gt;Tom &amp;amp; &amp;#34;Jerry&amp;#34;&amp;#39;s&amp;lt;/b&amp;gt;');
    expect(await render('{% capture c %}<i>{{ name }}</i>{% endcapture %}{{ c }}', { name: '&' }, 'html')).toBe('&lt;i&gt;&amp;amp;&lt;/i&gt;');
    expect(await render('{% echo name %}', data, 'html')).toBe('&lt;b&gt;Tom &amp; &#34;Jerry&#34;&#39;s&lt;/b&gt;');
  });

  it('reads paths with dots, indexes (negative too), quoted and computed keys, size, first and last', async () => {
    const data = { a: { b: [{ c: 'first c' }, { c: 'second c' }], 'with space': 'spaced', key: 'b' }, list: [1, 2, 3], word: 'hello', counted: { size: 'own size' } };
    const source = '{{ a.b[0].c }}|{{ a.b[-1].c }}|{{ a["with space"] }}|{{ a[a.key][1].c }}|{{ list.size }}|{{ list.first }}|{{ list.last }}|{{ word.size }}|{{ a.size }}|{{ counted.size }}|{{ list[7] }}|{{ word.first }}';
    expect(await render(source, data)).toBe('first c|second c|spaced|second c|3|1|3|5|3|own size||');
  });

  it('formats numbers as liquidjs does, through filters with arguments', async () => {
    const source = '{{ price | divided_by: 100.0 | round: 2 }}|{{ price | divided_by: 100 }}|{{ price | times: 1.2 | round }}|{{ n | plus: 1 }}|{{ n | minus: "2" }}|{{ 7 | modulo: 3 }}|{{ 0.1 | plus: 0.2 }}|{{ big }}|{{ tiny }}';
    expect(await render(source, { price: 1490, n: '41', big: 1e21, tiny: 1e-7 })).toBe('14.9|14.9|1788|42|39|1|0.30000000000000004|1e+21|1e-7');
  });

  it('runs string, array and date filters with arguments', async () => {
    const data = { name: '  ada lovelace  ', tags: ['b', 'a', 'c'], items: [{ n: 'x', p: 2 }, { n: 'y', p: 1 }], at: '2026-05-31T10:00:00Z', blurb: 'Made in small batches by a workshop we visit' };
    const source = [
      '{{ name | strip | capitalize }}',
      '{{ name | upcase | strip }}',
      '{{ "Hi" | append: ", " | append: name | strip }}',
      '{{ name | strip | prepend: "Dear " }}',
      '{{ blurb | truncate: 20 }}',
      '{{ blurb | truncate: 20, "…" }}',
      '{{ blurb | truncatewords: 3 }}',
      '{{ tags | sort | join: ", " }}',
      '{{ tags | first }}{{ tags | last }}{{ tags | size }}',
      '{{ items | map: "n" | join: "+" }}',
      '{{ items | sort: "p" | map: "n" | join }}',
      '{{ items | where: "p", 2 | map: "n" | first }}',
      '{{ "a,b" | split: "," | reverse | join: "" }}',
      '{{ at | date: "%B %-d, %Y" }}',
      '{{ name | strip | url_encode }}',
      '{{ name | replace: "a", "4" }}',
      '{{ "x" | json }}',
    ].join('\n');
    expect((await render(source, data, 'text')).split('\n')).toEqual([
      'Ada lovelace',
      'ADA LOVELACE',
      'Hi,   ada lovelace',
      'Dear ada lovelace',
      'Made in small bat...',
      'Made in small batch…',
      'Made in small...',
      'a, b, c',
      'bc3',
      'x+y',
      'y x',
      'x',
      'ba',
      'May 31, 2026',
      'ada+lovelace',
      '  4d4 lovel4ce  ',
      '"x"',
    ]);
  });

  it('loops with forloop variables, nested loops, limit, offset, reversed, ranges and else', async () => {
    const source =
      '{% for row in rows %}{{ forloop.index }}/{{ forloop.length }}{% if forloop.first %}F{% endif %}{% if forloop.last %}L{% endif %}:' +
      '{% for cell in row.cells %}[{{ forloop.index0 }}{{ cell }}{{ forloop.rindex }}]{% else %}empty{% endfor %};{% endfor %}' +
      '|{% for n in nums limit: 2 offset: 1 %}{{ n }}{% endfor %}|{% for n in nums reversed %}{{ n }}{% endfor %}' +
      '|{% for i in (1..3) %}{{ i }}{% endfor %}|{% for x in none %}x{% else %}nothing{% endfor %}|{% for c in word %}{{ c }}{% endfor %}' +
      '|{% for pair in obj %}{{ pair[0] }}={{ pair[1] }} {% endfor %}|{% for row in rows %}{% endfor %}{{ row }}';
    const data = { rows: [{ cells: ['a', 'b'] }, { cells: [] }, { cells: ['c'] }], nums: [1, 2, 3, 4], word: 'abc', obj: { k: 1, j: 2 }, row: 'outer' };
    expect(await render(source, data, 'text')).toBe('1/3F:[0a2][1b1];2/3:empty;3/3L:[0c1];|23|4321|123|nothing|abc|k=1 j=2 |outer');
  });

  it('branches with if/elsif/else, unless, case/when and Liquid truthiness (0 and "" are true)', async () => {
    const source =
      '{% if zero %}0 is true{% endif %}|{% if blank_string %}"" is true{% endif %}|{% if none %}x{% elsif n > 3 and n < 10 %}mid{% else %}other{% endif %}' +
      '|{% unless off %}unless{% else %}no{% endunless %}|{% case kind %}{% when "a", "b" %}ab{% when "c" or "d" %}cd{% else %}?{% endcase %}' +
      '|{% if list contains "x" %}has x{% endif %}|{% if word contains "ell" %}ell{% endif %}|{% if empty_list == empty %}empty{% endif %}' +
      '|{% if spaces == blank %}blank{% endif %}|{% if none == nil %}nil{% endif %}|{% if not off %}not{% endif %}|{% if n != "5" %}typed{% endif %}';
    const data = { zero: 0, blank_string: '', n: 5, off: false, kind: 'd', list: ['x'], word: 'hello', empty_list: [], spaces: '  ' };
    expect(await render(source, data, 'text')).toBe('0 is true|"" is true|mid|unless|cd|has x|ell|empty|blank|nil|not|typed');
    // Every matching `when` renders, as in liquidjs and Shopify's Liquid.
    expect(await render('{% case n %}{% when 5 %}five{% when 4, 5 %}/again{% else %}none{% endcase %}', { n: 5 }, 'text')).toBe('five/again');
  });

  it('assigns and captures, shadowing the data, and keeps comments and raw blocks out or verbatim', async () => {
    const source =
      '{% assign name = contact.name | upcase %}{{ name }}|{% capture greeting %}Hi {{ name }}!{% endcapture %}{{ greeting }}|{% assign contact = "gone" %}{{ contact }}' +
      '|{% comment %}{{ secret }}{% endcomment %}{% # inline note %}|{% raw %}{{ not liquid }}{% endraw %}|{% liquid\n assign x = 2\n echo x | plus: 1\n %}';
    expect(await render(source, { contact: { name: 'ada' }, secret: 's' }, 'text')).toBe('ADA|Hi ADA!|gone||{{ not liquid }}|3');
    // An assign later in a loop shadows the data from the next iteration on.
    expect(await render('{% for i in (1..3) %}{{ seen }},{% assign seen = i %}{% endfor %}{{ seen }}', { seen: 'data' }, 'text')).toBe('data,1,2,3');
  });

  it('honours whitespace control {%- -%} and {{- -}}', async () => {
    const source = '<p>\n  {%- if name -%}\n    Hello {{- name -}} !\n  {%- endif -%}\n</p>\n{%- for i in (1..2) %}\n  {{ i -}}\n{% endfor -%}\nend';
    expect(await render(source, { name: 'Ada' })).toBe('<p>HelloAda!</p>\n  1\n  2end');
  });

  it('matches liquidjs on a template using every supported construct, for generated data', async () => {
    const source = `{% assign total = 0 %}{% capture who %}{{ contact.firstName | default: "friend" | capitalize }}{% endcapture %}
{%- if contact.vip and contact.points > 100 %}VIP {{ who }}{% elsif contact.points >= 1 or contact.tags contains "new" %}Member {{ who }}{% else %}Hi {{ who }}{% endif %}
{% unless contact.city == blank %}in {{ contact.city | upcase | truncate: 8 }}{% endunless %}
{% case contact.tier %}{% when 1 %}one{% when "gold", "silver" %}metal{% else %}{{ contact.tier | json }}{% endcase %}
{% for item in items limit: 3 %}{{ forloop.index }}. {{ item.name | default: "?" | escape }} {{ item.price | divided_by: 100.0 | round: 2 }} € {% if item.oldPrice %}<s>{{ item.oldPrice | times: 1 }}</s>{% endif %}
{%- for tag in item.tags reversed %}#{{ tag }}{% unless forloop.last %},{% endunless %}{% endfor %}{% assign total = total | plus: item.price %}
{% else %}no items{% endfor %}total={{ total }} size={{ items.size }} first={{ items.first.name }} {{ items | map: "name" | compact | join: ", " }}
{{ contact.email | url_encode }} {{ contact.since | date: "%Y-%m-%d" }} {{ contact.bio | strip_html | truncatewords: 4 }} {{ contact.firstName | append: "!" | prepend: "¡" }} {{ contact }}`;
    for (const part of ['html', 'text'] as const) {
      const liquid = liquids[part];
      const parsed = liquid.parse(source);
      const render = compiled(source, part);
      await fc.assert(
        fc.asyncProperty(templateData(liquid, [parsed]), async (data) => {
          expect(render(data)).toBe(await liquid.render(parsed, data));
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('constructs outside the compiled subset', () => {
  it('are refused with their line and reason', () => {
    const source = 'Hello\n{% include "footer" %}\n{{ name | sample }}\n{% for x in xs %}{% cycle "a", "b" %}{% break %}{% endfor %}\n{{ [key] }}';
    const result = compileLiquid(liquids.text.parse(source), liquids.text);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      { line: 2, reason: expect.stringMatching(/^\{% include %\} is not supported/) },
      { line: 3, reason: expect.stringMatching(/^filter sample is not supported/) },
      { line: 4, reason: expect.stringMatching(/^\{% cycle %\} is not supported/) },
      { line: 4, reason: expect.stringMatching(/^\{% break %\} is not supported/) },
      { line: 5, reason: expect.stringMatching(/^a variable whose name is computed/) },
    ]);
  });

  it('refuses loops the compiled code cannot mirror: an item named forloop, offset: continue', () => {
    for (const source of ['{% for forloop in xs %}{% endfor %}', 'x\n{% for x in xs offset: continue %}{% endfor %}']) {
      const result = compileLiquid(liquids.text.parse(source), liquids.text);
      expect(result.ok ? [] : result.problems).toEqual([{ line: source.startsWith('x') ? 2 : 1, reason: expect.stringMatching(/forloop|continue/) }]);
    }
  });

  it('make validation fail with the line in the template, and compiling throw a TemplateError', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relance-unsupported-'));
    const source = `---
subject: Hi {{ contact.firstName | unknown_filter }}
category: transactional
---
<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>{% increment visits %} {{ contact.firstName | append }}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
    await writeFile(path.join(dir, 'odd.mjml'), source);
    const renderer = new TemplateRenderer(dir);
    const report = await renderer.validate('odd');
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([
      { line: 2, reason: expect.stringMatching(/^Liquid: filter unknown_filter is not supported/) },
      { line: 9, reason: expect.stringMatching(/^Liquid: \{% increment %\} is not supported/) },
      { line: 9, reason: 'Liquid: filter append takes 1 argument' },
    ]);
    await expect(renderer.render('odd', {})).rejects.toThrow(TemplateError);
    await expect(renderer.render('odd', {})).rejects.toThrow(/line 9: Liquid: \{% increment %\} is not supported/);
    await expect(renderer.preview('odd', {}, source)).rejects.toThrow(/line 2: Liquid: filter unknown_filter/);
  });
});
