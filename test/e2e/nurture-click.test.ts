import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// The built-in nurture waits for an `email_clicked`: a reader who clicks the welcome e-mail's
// button must move the journey down its clicked branch. The click comes the way a reader makes it:
// from the message as it crossed SMTP (the catcher parses it with mailparser, as a mail client
// does), the tracked link followed like a browser follows it, to the shop's own page.

describe('a click in a received nurture e-mail', () => {
  let engine: RunningEngine;
  // The shop the e-mails link to (SITE_URL), so the redirect is followed to a page that answers.
  let site: Server;
  let siteUrl: string;
  const landed: string[] = [];
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });

  beforeAll(async () => {
    site = createServer((request, response) => {
      landed.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Getting started</title><h1>Getting started</h1>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    engine = await startEngine({ site: { name: 'Relance Test Shop', url: siteUrl } });
  });
  afterAll(async () => {
    await engine?.stop();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('takes the journey down its clicked branch, and the click is scored like any event', async () => {
    // The built-in template, loaded as a draft at start, published as a marketer would.
    expect((await engine.post('/v1/journeys/inbound-nurture/publish', {}, admin())).status).toBe(200);
    // The sign-up form asks for consent to product news: one batch, one transaction, so the
    // subscription is there when the journey's first e-mail checks for it.
    const identity = { anonymousId: 'reader-1', properties: { email: 'reader@example.com', firstName: 'Rosa' } };
    const signUp = await engine.post('/v1/batch', {
      batch: [
        { type: 'track', event: 'newsletter_subscribed', messageId: 'nurture-click-consent', ...identity, properties: { ...identity.properties, topic: 'product_news' } },
        { type: 'track', event: 'form_submitted', messageId: 'nurture-click-signup', ...identity },
      ],
    });
    expect(signUp.status).toBe(200);
    expect(signUp.body.stored).toBe(2);
    const contactId: string = signUp.body.results[1].contactId;

    const [delivered] = await engine.smtp.waitFor((message) => message.to.includes('reader@example.com'));
    expect(delivered?.subject).toBe('Welcome, Rosa!');
    const button = /<a\s[^>]*href="([^"]+)"[^>]*>\s*Start with the guide/.exec(delivered!.html);
    expect(button, 'the welcome e-mail has its button').not.toBeNull();
    const tracked = button![1]!.replaceAll('&amp;', '&');
    expect(tracked.startsWith(`${engine.baseUrl}/c/`)).toBe(true);

    const run = async () =>
      (await engine.database.db.selectFrom('journey_runs').select(['id', 'current_node', 'status']).where('journey_id', '=', 'inbound-nurture').where('contact_id', '=', contactId).executeTakeFirst());
    await expect.poll(async () => (await run())?.current_node, { timeout: 30_000 }).toBe('wait_engagement_1');

    // The reader clicks: the browser follows the 302 to the shop's guide, and the journey hears it.
    const click = await fetch(tracked, { headers: { accept: 'text/html', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' } });
    expect(click.redirected).toBe(true);
    expect(click.url).toBe(`${siteUrl}/guides/getting-started`);
    expect(click.status).toBe(200);
    expect(await click.text()).toContain('<h1>Getting started</h1>');
    expect(landed).toEqual(['/guides/getting-started']);

    await expect.poll(async () => (await run())?.current_node, { timeout: 30_000 }).toBe('keep_nurturing');
    const visits = await engine.database.db
      .selectFrom('journey_node_visits')
      .select(['node_id', 'outcome'])
      .where('workflow_id', '=', (await run())!.id)
      .orderBy('at')
      .orderBy('id')
      .execute();
    const path = visits.map((visit) => `${visit.node_id}:${visit.outcome}`);
    // Clicked, not timed out: no guide was needed, the branch qualified the reader.
    expect(path).toContain('wait_engagement_1:completed');
    expect(path).toContain('qualify:completed');
    expect(path.some((step) => step.startsWith('guide_1'))).toBe(false);
    // What the marketer sees: the reader waits in the clicked branch's node, nobody timed out.
    const journey = await engine.get('/v1/journeys/inbound-nurture', admin());
    expect(journey.status).toBe(200);
    const node = (nodeId: string) => journey.body.analytics.nodes.find((entry: { nodeId: string }) => entry.nodeId === nodeId);
    expect(node('wait_engagement_1')).toEqual(expect.objectContaining({ now: 0, visits: { entered: 1, completed: 1 } }));
    expect(node('keep_nurturing')).toEqual(expect.objectContaining({ now: 1 }));
    expect(node('guide_1')).toBeUndefined();
    expect(journey.body.analytics).toEqual(expect.objectContaining({ entered: 1, inFlight: 1, exitedByTimeout: 0 }));

    const clicks = await engine.database.db.selectFrom('events').select(['contact_id', 'properties']).where('type', '=', 'email_clicked').execute();
    expect(clicks).toEqual([{ contact_id: contactId, properties: expect.objectContaining({ url: `${siteUrl}/guides/getting-started` }) }]);
    const score = await engine.get(`/v1/contacts/${contactId}/score`);
    expect(score.status).toBe(200);
    expect(JSON.stringify(score.body)).toContain('email_clicked');
  });
});
