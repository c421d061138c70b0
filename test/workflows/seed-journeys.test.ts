import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCouponsForContact } from '../../db/coupon.repository.js';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import { wallClock } from '../../domain/time-zone.js';
import { loadJourneyTemplate } from '../../templates/journey-templates.js';
import { pathOf, startJourneyHarness, type JourneyHarness } from './journey-harness.js';

// The built-in journeys added for reviews, browsing and birthdays, run as marketers copy them, on
// the time-skipping server: days and years of journey time, with the real activities, database and SMTP.

describe('seed journeys on the time-skipping server', () => {
  let h: JourneyHarness;
  const templates: Record<string, JourneyDefinition> = {};
  beforeAll(async () => {
    h = await startJourneyHarness('seed-journeys');
    for (const name of ['review-relaunch', 'browse-abandonment', 'birthday']) templates[name] = await loadJourneyTemplate(name);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const subjects = (address: string) => h.mailsTo(address).map((mail) => mail.subject);

  describe('review relaunch', () => {
    it('asks once, relaunches once after five silent days, and rewards the review with a coupon', async () => {
      const contactId = await h.contact('reviewer', { email: 'reviewer@example.com', firstName: 'Rita' });
      const run = await h.start(templates['review-relaunch']!, contactId, { entryKey: 'o-1', entryEvent: await h.track('reviewer', 'order_delivered', { order_id: 'o-1' }) });
      await h.until(run, (s) => s.currentNodeId === 'wait_review', 'the first wait');
      expect(subjects('reviewer@example.com')).toEqual(['How is your order, Rita?']);
      await h.env.sleep('5 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_review_again', 'the second wait');
      expect(subjects('reviewer@example.com')).toEqual(['How is your order, Rita?', 'A last word about your order?']);
      // A review of another order does not count for this one.
      await h.signal(run, await h.track('reviewer', 'review_posted', { order_id: 'o-2', rating: 5 }));
      await h.env.sleep('2 days');
      await h.signal(run, await h.track('reviewer', 'review_posted', { order_id: 'o-1', rating: 4 }));
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      const [coupon] = await listCouponsForContact(h.database.db, contactId);
      expect(coupon).toMatchObject({ discount_kind: 'percent', discount_value: '10' });
      expect(subjects('reviewer@example.com')).toEqual(['How is your order, Rita?', 'A last word about your order?', `Thank you for your review: here is ${coupon!.code}`]);
    });

    it('relaunches only once: no review, no third e-mail, no coupon', async () => {
      const contactId = await h.contact('quiet-reviewer', { email: 'quiet-reviewer@example.com', firstName: 'Quinn' });
      const run = await h.start(templates['review-relaunch']!, contactId, { entryKey: 'o-3', entryEvent: await h.track('quiet-reviewer', 'order_delivered', { order_id: 'o-3' }) });
      await h.until(run, (s) => s.currentNodeId === 'wait_review', 'the first wait');
      await h.env.sleep('5 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_review_again', 'the second wait');
      await h.env.sleep('10 days');
      expect(await h.result(run)).toEqual({ status: 'exited_timeout', lastNodeId: 'no_review' });
      expect(subjects('quiet-reviewer@example.com')).toEqual(['How is your order, Quinn?', 'A last word about your order?']);
      expect(await listCouponsForContact(h.database.db, contactId)).toEqual([]);
    });
  });

  describe('browse abandonment', () => {
    const product = { product_id: 'sku-42', name: 'Wool throw', price: 79, currency: 'EUR', url: 'https://shop.example/p/42' };

    it('reminds of a product viewed twice with no cart four hours later, showing that product', async () => {
      const contactId = await h.contact('browser', { email: 'browser@example.com', firstName: 'Bo', locale: 'fr-FR' });
      const run = await h.start(templates['browse-abandonment']!, contactId, { entryKey: 'sku-42', entryEvent: await h.track('browser', 'product_viewed', product) });
      await h.until(run, (s) => s.currentNodeId === 'second_view', 'the wait for a second view');
      await h.env.sleep('3 hours');
      await h.signal(run, await h.track('browser', 'product_viewed', product));
      await h.until(run, (s) => s.currentNodeId === 'quiet', 'the quiet hours');
      await h.env.sleep('3 hours');
      expect(subjects('browser@example.com')).toEqual([]);
      await h.env.sleep('1 hour');
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      const [mail] = h.mailsTo('browser@example.com');
      expect(mail?.subject).toBe('Still thinking about Wool throw?');
      expect(mail?.text).toContain('79,00\u00a0€');
      expect(mail?.text).toContain('See it again');
    });

    it('lets a single view go, and ends at once when the product goes to the cart', async () => {
      const glancer = await h.contact('glancer', { email: 'glancer@example.com' });
      const buyer = await h.contact('browse-buyer', { email: 'browse-buyer@example.com' });
      const glance = await h.start(templates['browse-abandonment']!, glancer, { entryKey: 'sku-42', entryEvent: await h.track('glancer', 'product_viewed', product) });
      const buy = await h.start(templates['browse-abandonment']!, buyer, { entryKey: 'sku-42', entryEvent: await h.track('browse-buyer', 'product_viewed', product) });
      await h.until(buy, (s) => s.currentNodeId === 'second_view', 'the wait for a second view');
      await h.signal(buy, await h.track('browse-buyer', 'product_viewed', product));
      await h.until(buy, (s) => s.currentNodeId === 'quiet', 'the quiet hours');
      await h.signal(buy, await h.track('browse-buyer', 'cart_updated', { cart_id: 'c-42', products: [product] }));
      expect(await h.result(buy)).toEqual({ status: 'exited_goal', lastNodeId: 'quiet' });
      await h.env.sleep('2 days');
      expect(await h.result(glance)).toEqual({ status: 'exited_timeout', lastNodeId: 'just_browsing' });
      expect(subjects('glancer@example.com')).toEqual([]);
      expect(subjects('browse-buyer@example.com')).toEqual([]);
    });
  });

  describe('birthday', () => {
    it('sends a personal coupon on the birthday at 9:00 in the contact’s time zone, and again the next year', async () => {
      // A birthday ten days ahead of the server's clock, born in 1990: the year in the trait does not matter.
      const ahead = wallClock((await h.env.currentTimeMs()) + 10 * 86_400_000, 'Asia/Tokyo');
      const birthday = `1990-${String(ahead.month).padStart(2, '0')}-${String(ahead.day).padStart(2, '0')}`;
      const contactId = await h.contact('birthday', { email: 'birthday@example.com', firstName: 'Bea', birthday, timezone: 'Asia/Tokyo' });
      const run = await h.start(templates['birthday']!, contactId);
      await h.until(run, (s) => s.currentNodeId === 'until_birthday', 'the wait for the birthday');
      await h.env.sleep('9 days');
      expect(subjects('birthday@example.com')).toEqual([]);
      await h.env.sleep('2 days');
      await h.until(run, (s) => s.path.filter((step) => step.nodeId === 'until_birthday' && step.outcome === 'entered').length === 2, 'the wait for the next birthday');
      const [coupon] = await listCouponsForContact(h.database.db, contactId);
      expect(coupon).toMatchObject({ discount_kind: 'percent', discount_value: '15' });
      expect(subjects('birthday@example.com')).toEqual(['Happy birthday, Bea!']);
      // 9:00 in Tokyo on the day: the coupon was issued then (00:00 UTC).
      const issued = wallClock(coupon!.created_at.getTime(), 'Asia/Tokyo');
      expect([issued.month, issued.day, issued.hour]).toEqual([ahead.month, ahead.day, 9]);

      await h.env.sleep('365 days');
      await h.until(run, (s) => s.path.filter((step) => step.nodeId === 'until_birthday' && step.outcome === 'entered').length === 3, 'the wait after the second birthday');
      expect(subjects('birthday@example.com')).toHaveLength(2);
      expect(await listCouponsForContact(h.database.db, contactId)).toHaveLength(2);
    });

    it('lets a contact without a birthday go at once, with nothing sent', async () => {
      const contactId = await h.contact('no-birthday', { email: 'no-birthday@example.com', firstName: 'Nat' });
      const run = await h.start(templates['birthday']!, contactId);
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'until_birthday' });
      expect(pathOf(await h.visits(run.workflowId))).toEqual(['until_birthday:entered', 'until_birthday:completed']);
      expect(subjects('no-birthday@example.com')).toEqual([]);
    });
  });
});
