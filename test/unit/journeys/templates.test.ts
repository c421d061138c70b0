import { access } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listJourneyTemplates, loadJourneyTemplate } from '../../../templates/journey-templates.js';
import { TEMPLATES_DIR, TemplateRenderer } from '../../../templates/renderer.js';

describe('built-in journey templates', () => {
  const catalogue = ['abandoned-cart', 'birthday', 'browse-abandonment', 'end-of-year', 'inbound-nurture', 'mothers-day', 'post-purchase-cross-sell', 'review-relaunch', 'satisfaction-follow-up', 'wishlist-promo'];

  it('ships the ten journeys of the catalogue', async () => {
    expect(await listJourneyTemplates()).toEqual(catalogue);
  });

  it.each(catalogue)(
    '%s passes the schema and graph checks, and every e-mail it sends renders',
    async (name) => {
      const definition = await loadJourneyTemplate(name);
      expect(definition.id).toBe(name);
      const renderer = new TemplateRenderer();
      for (const node of Object.values(definition.nodes)) {
        if (node.type !== 'send_email') continue;
        await access(path.join(TEMPLATES_DIR, `${node.template}.mjml`));
        const rendered = await renderer.render(node.template, {
          contact: { firstName: 'Ada' },
          coupon: { code: 'RL-TESTCODE23', expiresAt: '2026-12-01T00:00:00.000Z' },
          event: { cart_id: 'c-1' },
        });
        expect(rendered.subject).not.toBe('');
        expect(rendered.text).toContain('Hello Ada,');
      }
    },
  );
});
