import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCouponsForContact } from '../../db/coupon.repository.js';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import { loadJourneyTemplate } from '../../templates/journey-templates.js';
import { pathOf, startJourneyHarness, type JourneyHarness } from './journey-harness.js';

describe('built-in journeys on the time-skipping server', () => {
  let h: JourneyHarness;
  const templates: Record<string, JourneyDefinition> = {};
  beforeAll(async () => {
    h = await startJourneyHarness('journey-templates');
    for (const name of ['inbound-nurture', 'abandoned-cart', 'satisfaction-follow-up', 'wishlist-promo', 'post-purchase-cross-sell']) {
      templates[name] = await loadJourneyTemplate(name);
    }
  });
  afterAll(async () => {
    await h?.stop();
  });

  const subjects = (address: string) => h.mailsTo(address).map((mail) => mail.subject);
  const handoffs = async (contactId: string) =>
    (await h.database.db.selectFrom('orchestration_outbox').select('payload').where('kind', '=', 'handoff_requested').execute())
      .map((row) => row.payload as { contactId: string; reason: string })
      .filter((payload) => payload.contactId === contactId);

  describe('inbound nurture', () => {
    it('relays content while the contact stays silent, then lets them go', async () => {
      const contactId = await h.contact('silent', { email: 'silent@example.com', firstName: 'Sam', company: 'Globex' });
      const entry = await h.track('silent', 'form_submitted');
      const run = await h.start(templates['inbound-nurture']!, contactId, { entryEvent: entry });
      await h.until(run, (s) => s.currentNodeId === 'wait_engagement_1', 'the first wait');
      expect(subjects('silent@example.com')).toEqual(['Welcome, Sam!']);
      await h.env.sleep('3 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_engagement_2', 'the second wait');
      await h.env.sleep('4 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_engagement_3', 'the third wait');
      await h.env.sleep('7 days');
      expect(await h.result(run)).toEqual({ status: 'exited_timeout', lastNodeId: 'no_engagement' });
      expect(subjects('silent@example.com')).toEqual(['Welcome, Sam!', 'Your first guide, Sam', 'Three ideas for Globex']);
      expect(await handoffs(contactId)).toEqual([]);
    });

    it('stops the relays as soon as the contact engages, qualifies them as MQL and hands them to sales', async () => {
      const contactId = await h.contact('engaged', { email: 'engaged@example.com', firstName: 'Eve' });
      const run = await h.start(templates['inbound-nurture']!, contactId, { entryEvent: await h.track('engaged', 'form_submitted') });
      await h.until(run, (s) => s.currentNodeId === 'wait_engagement_1', 'the first wait');
      await h.env.sleep('3 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_engagement_2', 'the second wait');
      const click = await h.track('engaged', 'email_clicked', { link: 'https://x.test/guide' });
      // Engaged and a good fit, as a scoring model tuned for it would have recorded.
      await h.database.db.updateTable('contacts').set({ engagement_score: 42, fit_grade: 'A' }).where('id', '=', contactId).execute();
      await h.signal(run, click);
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      expect(subjects('engaged@example.com')).toEqual(['Welcome, Eve!', 'Your first guide, Eve']);
      expect(pathOf(await h.visits(run.workflowId)).filter((step) => step.endsWith(':completed')).map((step) => step.split(':')[0])).toEqual([
        'welcome', 'guide_1', 'wait_engagement_2', 'qualify', 'promote', 'hand_off', 'done',
      ]);
      const contact = await h.database.db.selectFrom('contacts').select('stage').where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(contact.stage).toBe('mql');
      expect(await handoffs(contactId)).toEqual([expect.objectContaining({ reason: 'Inbound nurture: engaged and qualified' })]);
    });
  });

  describe('abandoned cart', () => {
    it('restarts the wait on every change of its own cart, reminds after an hour, sends a coupon after a day', async () => {
      const contactId = await h.contact('cart', { email: 'cart@example.com', firstName: 'Cara' });
      const entry = await h.track('cart', 'cart_updated', { cart_id: 'c-1', total: 80 });
      const run = await h.start(templates['abandoned-cart']!, contactId, { entryKey: 'c-1', entryEvent: entry });
      await h.until(run, (s) => s.currentNodeId === 'quiet_hour', 'the quiet hour');
      await h.env.sleep('30 minutes');
      await h.signal(run, await h.track('cart', 'cart_updated', { cart_id: 'c-1', total: 95 }));
      // Another cart of the same contact is another journey: it does not restart this one.
      await h.signal(run, await h.track('cart', 'cart_updated', { cart_id: 'c-2', total: 10 }));
      await h.until(run, (s) => s.path.filter((step) => step.nodeId === 'quiet_hour' && step.outcome === 'entered').length === 2, 'the restarted wait');
      await h.env.sleep('45 minutes');
      expect(subjects('cart@example.com')).toEqual([]);
      await h.env.sleep('20 minutes');
      await h.until(run, (s) => s.currentNodeId === 'quiet_day', 'the quiet day');
      expect(subjects('cart@example.com')).toEqual(['You left something in your cart']);
      // The reminder shows the cart as its last change left it (95, not the 80 it entered with).
      expect(h.mailsTo('cart@example.com')[0]?.text).toContain('Total: 95.00');

      await h.env.sleep('23 hours');
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      const [coupon] = await listCouponsForContact(h.database.db, contactId);
      expect(coupon).toMatchObject({ discount_kind: 'percent', discount_value: '10' });
      expect(subjects('cart@example.com')).toEqual(['You left something in your cart', `${coupon!.code}: a little something to finish your order`]);
      expect(pathOf(await h.visits(run.workflowId))).toEqual([
        'quiet_hour:entered', 'quiet_hour:completed', 'quiet_hour:entered', 'quiet_hour:timeout',
        'reminder:entered', 'reminder:completed', 'quiet_day:entered', 'quiet_day:timeout',
        'coupon:entered', 'coupon:completed', 'coupon_reminder:entered', 'coupon_reminder:completed', 'done:entered', 'done:completed',
      ]);
    });

    it('ends at once when that cart is ordered, wherever the contact is', async () => {
      const contactId = await h.contact('buyer', { email: 'cart-buyer@example.com', firstName: 'Ben' });
      const run = await h.start(templates['abandoned-cart']!, contactId, { entryKey: 'c-9', entryEvent: await h.track('buyer', 'cart_updated', { cart_id: 'c-9' }) });
      await h.until(run, (s) => s.currentNodeId === 'quiet_hour', 'the quiet hour');
      await h.env.sleep('61 minutes');
      await h.until(run, (s) => s.currentNodeId === 'quiet_day', 'the quiet day');
      // An order of another cart does not end this one; the order of this cart does.
      await h.signal(run, await h.track('buyer', 'order_completed', { cart_id: 'c-8', order_id: 'o-8' }));
      await h.signal(run, await h.track('buyer', 'order_completed', { cart_id: 'c-9', order_id: 'o-9' }));
      expect(await h.result(run)).toEqual({ status: 'exited_goal', lastNodeId: 'quiet_day' });
      await h.env.sleep('2 days');
      expect(subjects('cart-buyer@example.com')).toEqual(['You left something in your cart']);
      expect(await listCouponsForContact(h.database.db, contactId)).toEqual([]);
      expect(pathOf(await h.visits(run.workflowId)).at(-1)).toBe('quiet_day:goal');
      expect(await h.run(run.workflowId)).toMatchObject({ status: 'exited_goal', entry_key: 'c-9' });
    });
  });

  describe('satisfaction follow-up', () => {
    async function surveyed(userId: string, firstName: string, orderId: string) {
      const contactId = await h.contact(userId, { email: `${userId}@example.com`, firstName });
      const entry = await h.track(userId, 'order_completed', { order_id: orderId });
      const run = await h.start(templates['satisfaction-follow-up']!, contactId, { entryKey: orderId, entryEvent: entry });
      await h.until(run, (s) => s.currentNodeId === 'after_delivery', 'the delivery delay');
      await h.env.sleep('5 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_answer', 'the survey');
      expect(subjects(`${userId}@example.com`)).toEqual([`How did we do, ${firstName}?`]);
      return { contactId, run };
    }

    it('turns a detractor into a task for a person, an apology coupon and a marketing pause', async () => {
      const { contactId, run } = await surveyed('detractor', 'Dora', 'o-1');
      await h.signal(run, await h.track('detractor', 'survey_answered', { order_id: 'o-1', score: 3 }));
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      const [coupon] = await listCouponsForContact(h.database.db, contactId);
      expect(coupon).toMatchObject({ discount_kind: 'amount', discount_value: '10', currency: 'EUR' });
      expect(subjects('detractor@example.com')).toEqual(['How did we do, Dora?', 'We are sorry, Dora']);
      expect(h.mailsTo('detractor@example.com')[1]?.text).toContain(coupon!.code);
      expect(await handoffs(contactId)).toEqual([expect.objectContaining({ reason: 'Detractor after an order: call within 24 hours' })]);
      const { traits } = await h.database.db.selectFrom('contacts').select('traits').where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(traits.marketing_paused).toMatchObject({ value: true, source: 'journey' });
    });

    it('asks a promoter for a review', async () => {
      const { contactId, run } = await surveyed('promoter', 'Pat', 'o-2');
      await h.signal(run, await h.track('promoter', 'survey_answered', { order_id: 'o-2', score: 10 }));
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      expect(subjects('promoter@example.com')).toEqual(['How did we do, Pat?', 'Glad you liked it: would you share it?']);
      expect(await handoffs(contactId)).toEqual([]);
    });

    it('reminds once when there is no answer, then lets it be', async () => {
      const { run } = await surveyed('mute', 'Max', 'o-3');
      await h.env.sleep('4 days');
      await h.until(run, (s) => s.currentNodeId === 'wait_answer_again', 'the reminder');
      await h.env.sleep('4 days');
      expect(await h.result(run)).toEqual({ status: 'exited_timeout', lastNodeId: 'no_answer' });
      expect(subjects('mute@example.com')).toEqual(['How did we do, Max?', 'One more time: how did we do?']);
    });
  });

  describe('wishlist promo', () => {
    it('sends a personal offer four days after a wishlist add, and nothing to a contact who bought', async () => {
      const wisher = await h.contact('wisher', { email: 'wisher@example.com', firstName: 'Wes' });
      const buyer = await h.contact('wish-buyer', { email: 'wish-buyer@example.com', firstName: 'Wyn' });
      const runs = await Promise.all([
        h.start(templates['wishlist-promo']!, wisher, { entryKey: 'p-1', entryEvent: await h.track('wisher', 'wishlist_added', { product_id: 'p-1' }) }),
        h.start(templates['wishlist-promo']!, buyer, { entryKey: 'p-1', entryEvent: await h.track('wish-buyer', 'wishlist_added', { product_id: 'p-1' }) }),
      ]);
      for (const run of runs) await h.until(run, (s) => s.currentNodeId === 'four_days', 'the delay');
      await h.env.sleep('2 days');
      await h.signal(runs[1], await h.track('wish-buyer', 'order_completed', { order_id: 'o-5' }));
      expect(await h.result(runs[1])).toEqual({ status: 'exited_goal', lastNodeId: 'four_days' });
      await h.env.sleep('1 day');
      expect(subjects('wisher@example.com')).toEqual([]);
      await h.env.sleep('1 day');
      expect(await h.result(runs[0])).toEqual({ status: 'completed', lastNodeId: 'done' });
      const [coupon] = await listCouponsForContact(h.database.db, wisher);
      expect(subjects('wisher@example.com')).toEqual([`Still thinking about it? Here is ${coupon!.code}`]);
      expect(subjects('wish-buyer@example.com')).toEqual([]);
    });
  });

  describe('post-purchase cross-sell', () => {
    it('sends a 15% category coupon, then a reminder three days before it expires', async () => {
      const contactId = await h.contact('cross', { email: 'cross@example.com', firstName: 'Cy' });
      const run = await h.start(templates['post-purchase-cross-sell']!, contactId, { entryKey: 'o-7', entryEvent: await h.track('cross', 'order_completed', { order_id: 'o-7' }) });
      await h.until(run, (s) => s.currentNodeId === 'before_expiry', 'the expiry delay');
      const [coupon] = await listCouponsForContact(h.database.db, contactId);
      expect(coupon).toMatchObject({ discount_kind: 'percent', discount_value: '15', category: 'accessories' });
      expect(Math.round((coupon!.expires_at.getTime() - coupon!.created_at.getTime()) / 86_400_000)).toBe(14);
      expect(subjects('cross@example.com')).toEqual(['Thank you! 15% off your next order']);
      await h.env.sleep('10 days');
      expect(subjects('cross@example.com')).toHaveLength(1);
      await h.env.sleep('1 day');
      expect(await h.result(run)).toEqual({ status: 'completed', lastNodeId: 'done' });
      expect(subjects('cross@example.com')).toEqual(['Thank you! 15% off your next order', `Your 15% code ${coupon!.code} expires soon`]);
    });

    it('stops as soon as the coupon is redeemed', async () => {
      const contactId = await h.contact('redeemer', { email: 'redeemer@example.com', firstName: 'Rae' });
      const run = await h.start(templates['post-purchase-cross-sell']!, contactId, { entryKey: 'o-8', entryEvent: await h.track('redeemer', 'order_completed', { order_id: 'o-8' }) });
      await h.until(run, (s) => s.currentNodeId === 'before_expiry', 'the expiry delay');
      const [coupon] = await listCouponsForContact(h.database.db, contactId);
      await h.env.sleep('2 days');
      await h.signal(run, await h.track('redeemer', 'coupon_redeemed', { code: coupon!.code, category: 'accessories' }));
      expect(await h.result(run)).toEqual({ status: 'exited_goal', lastNodeId: 'before_expiry' });
      await h.env.sleep('10 days');
      expect(subjects('redeemer@example.com')).toEqual(['Thank you! 15% off your next order']);
    });
  });
});
