import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { rewriteTrackedHtml } from '../../domain/tracking.js';
import { TEMPLATES_DIR, TemplateRenderer } from '../../templates/renderer.js';

describe('click and open tracking on rendered HTML', () => {
  const rewrite = {
    clickUrl: (url: string) => `https://t.example/c/${encodeURIComponent(url)}`,
    keep: (url: string) => url.startsWith('https://t.example/u/'),
    pixelUrl: 'https://t.example/o/x.gif',
  };

  it('rewrites http(s) anchors in one pass, unescaping &amp;, keeping own links, mailto and anchors', () => {
    const html = `<html><body><a href="https://shop.example/p?a=1&amp;b=2">A</a> <a class="x"\n href='http://shop.example/q'>B</a> <a href="mailto:help@shop.example">C</a> <a href="#top">D</a> <a href="https://t.example/u/tok">U</a></body></html>`;
    const result = rewriteTrackedHtml(html, rewrite);
    expect(result.links).toBe(2);
    expect(result.html).toContain(`href="https://t.example/c/${encodeURIComponent('https://shop.example/p?a=1&b=2')}"`);
    expect(result.html).toContain(`href='https://t.example/c/${encodeURIComponent('http://shop.example/q')}'`);
    expect(result.html).toContain('href="mailto:help@shop.example"');
    expect(result.html).toContain('href="#top"');
    expect(result.html).toContain('href="https://t.example/u/tok"');
    expect(result.html).toMatch(/<img src="https:\/\/t\.example\/o\/x\.gif"[^>]*\/><\/body><\/html>$/);
  });

  it('returns HTML without links unchanged when no pixel is asked for', () => {
    const html = '<p>No links</p>';
    expect(rewriteTrackedHtml(html, { ...rewrite, pixelUrl: undefined })).toEqual({ html, links: 0 });
  });
});

describe('the project’s own templates', () => {
  it('all pass validation: MJML, Liquid, known variables, unsubscribe link in marketing mail', async () => {
    const renderer = new TemplateRenderer();
    const names = (await readdir(TEMPLATES_DIR)).filter((file) => file.endsWith('.mjml')).map((file) => file.slice(0, -5));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const report = await renderer.validate(name);
      expect({ name, problems: report.problems }).toEqual({ name, problems: [] });
    }
  });
});
