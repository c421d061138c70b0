import { describe, expect, it } from 'vitest';
import { parseFrontMatter, splitTemplateSource } from '../../domain/template-front-matter.js';

const parse = (front: string) => parseFrontMatter(splitTemplateSource(`---\n${front}\n---\n<mjml></mjml>\n`));

describe('template front matter', () => {
  it('reads the entries the send path uses; a subject may hold colons', () => {
    expect(parse('subject: Re: your order {{ event.orderId }}\ncategory: transactional\ntopic: orders\ntracking: off\nsender: billing')).toEqual({
      ok: true,
      value: { subject: 'Re: your order {{ event.orderId }}', category: 'transactional', topic: 'orders', tracking: 'off', sender: 'billing' },
    });
  });

  it('refuses a misspelt key or value on its line, never falling back to marketing', () => {
    expect(parse('subject: Hi\ncategroy: transactional')).toEqual({ ok: false, problems: [{ line: 3, reason: expect.stringContaining('unknown front matter key "categroy"') }] });
    expect(parse('subject: Hi\ncategory: transactionnal')).toEqual({ ok: false, problems: [{ line: 3, reason: 'category is marketing or transactional' }] });
    expect(parse('subject: Hi\ntracking: no')).toEqual({ ok: false, problems: [{ line: 3, reason: 'tracking is on or off' }] });
    expect(parse('subject: Hi\ntopic: Spring Sale')).toEqual({ ok: false, problems: [{ line: 3, reason: 'a topic is lowercase letters, digits and _' }] });
  });

  it('refuses a missing subject, a line without a colon and a key set twice', () => {
    expect(parse('category: marketing')).toEqual({ ok: false, problems: [{ line: 1, reason: 'front matter has no subject' }] });
    expect(parseFrontMatter(splitTemplateSource('<mjml></mjml>'))).toEqual({ ok: false, problems: [{ line: 1, reason: 'front matter has no subject' }] });
    expect(parse('subject: Hi\njust words')).toEqual({ ok: false, problems: [{ line: 3, reason: 'front matter line is not "key: value"' }] });
    expect(parse('subject: Hi\nsubject: Hello')).toEqual({ ok: false, problems: [{ line: 3, reason: 'subject is set twice (first on line 2)' }] });
  });
});
