import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError, TemplateRenderer } from '../../templates/renderer.js';

describe('e-mail templates', () => {
  const renderer = new TemplateRenderer();

  it('personalises the welcome e-mail with the first name, in HTML and text parts', async () => {
    const email = await renderer.render('welcome', { contact: { firstName: 'Ada' } });
    expect(email.subject).toBe('Welcome, Ada!');
    expect(email.html).toContain('Hello Ada,');
    expect(email.html).toMatch(/^<!doctype html>/i);
    expect(email.text).toContain('Hello Ada,');
    expect(email.text).not.toContain('<');
    // The footer partial is included.
    expect(email.text).toContain('You receive this e-mail because');
  });

  it('falls back when the trait is missing', async () => {
    const email = await renderer.render('welcome', { contact: {} });
    expect(email.subject).toBe('Welcome, and thank you!');
    expect(email.text).toContain('Hello there,');
  });

  it('escapes personal data in HTML', async () => {
    const email = await renderer.render('welcome', { contact: { firstName: '<script>x</script>' } });
    expect(email.html).not.toContain('<script>x</script>');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('reports MJML errors with their line and unknown templates by name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relance-templates-'));
    await writeFile(
      path.join(dir, 'broken.mjml'),
      '---\nsubject: Hi\n---\n<mjml>\n<mj-body>\n<mj-section><mj-text>not in a column</mj-text></mj-section>\n</mj-body>\n</mjml>\n',
    );
    const local = new TemplateRenderer(dir);
    await expect(local.render('broken', {})).rejects.toThrow(TemplateError);
    await expect(local.render('broken', {})).rejects.toThrow(/line 6: mj-text cannot be used inside mj-section/);
    await expect(local.render('missing', {})).rejects.toThrow(/no file missing\.mjml/);
  });
});
