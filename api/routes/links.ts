import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALL_TOPICS, KNOWN_TOPICS, TOPIC_PATTERN } from '../../domain/send-policy.js';
import { signToken, verifyToken, type TokenClaims, type TokenPurpose } from '../../domain/tokens.js';
import type { ApiInstance } from '../app.js';
import { HttpError } from '../errors.js';
import type { LinkSettings, MessagingService } from '../messaging.service.js';

// The links inside e-mails: one-click unsubscribe (RFC 8058), the preference page, double opt-in
// confirmation, click redirects and the open pixel. No API key: the signed token is the authorisation,
// and a token that does not verify changes nothing.

const TokenParams = z.object({ token: z.string().min(1).max(4096) });
const PixelParams = z.object({ file: z.string().min(1).max(4100) });

// A transparent 1×1 GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TOPIC_LABELS: Record<string, string> = { newsletter: 'Newsletter', promotions: 'Offers and promotions', product_news: 'Product news' };
const labelOf = (topic: string) => TOPIC_LABELS[topic] ?? topic.replace(/_/g, ' ');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:Helvetica,Arial,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111827}button{font-size:1rem;padding:.5rem 1rem;margin-top:1rem}label{display:block;margin:.5rem 0}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** Form bodies as a record; a repeated field (several checked topics) becomes a list. */
function parseForm(text: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = form[key];
    form[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return form;
}

const PreferencesForm = z.object({
  topics: z.union([z.string(), z.array(z.string())]).optional().transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
  shown: z.string().max(2000).transform((value) => value.split(',').filter(Boolean)),
});

export function registerLinkRoutes(app: ApiInstance, deps: { links: LinkSettings; messaging: MessagingService }): void {
  const { secret } = deps.links;

  /**
   * 400 for a token that is not one, 403 for a forged, foreign or expired one (400 for redirects and
   * pixels, which have nothing to forbid): nothing is changed or recorded either way.
   */
  function claimsOf(token: string, purpose: TokenPurpose): TokenClaims {
    const result = verifyToken(secret, token, purpose, new Date());
    if (result.valid) return result.claims;
    if (result.reason === 'malformed') throw new HttpError(400, 'invalid_token', 'this link is damaged: copy the whole link from the e-mail', [{ path: 'token', message: 'malformed' }]);
    const status = purpose === 'click' || purpose === 'open' ? 400 : 403;
    throw new HttpError(status, 'invalid_token', result.reason === 'expired' ? 'this link has expired' : 'this link is not valid', status === 400 ? [{ path: 'token', message: result.reason }] : undefined);
  }

  async function preferencesPage(reply: FastifyReply, claims: TokenClaims, notice: string) {
    const subscriptions = await deps.messaging.subscriptions(claims.contactId);
    const status = new Map(subscriptions.map((s) => [s.topic, s.status]));
    const topics = [...new Set([...KNOWN_TOPICS, ...subscriptions.map((s) => s.topic)])].filter((topic) => topic !== ALL_TOPICS);
    const everything = status.get(ALL_TOPICS) === 'unsubscribed';
    const preferencesToken = signToken(secret, { purpose: 'preferences', contactId: claims.contactId, ...(claims.emailId === undefined ? {} : { emailId: claims.emailId }) });
    const unsubscribeToken = signToken(secret, { purpose: 'unsubscribe', contactId: claims.contactId, topic: ALL_TOPICS, ...(claims.emailId === undefined ? {} : { emailId: claims.emailId }) });
    const boxes = topics
      .map((topic) => `<label><input type="checkbox" name="topics" value="${escapeHtml(topic)}"${status.get(topic) === 'subscribed' ? ' checked' : ''}> ${escapeHtml(labelOf(topic))}${status.get(topic) === 'pending' ? ' (waiting for your confirmation)' : ''}</label>`)
      .join('');
    const body = `${notice === '' ? '' : `<p><strong>${escapeHtml(notice)}</strong></p>`}
<form method="post" action="/p/${preferencesToken}"><p>Choose what you receive from us:</p>${boxes}<input type="hidden" name="shown" value="${escapeHtml(topics.join(','))}"><button type="submit">Save my choices</button></form>
<form method="post" action="/u/${unsubscribeToken}"><p>${everything ? 'You receive no marketing e-mail from us.' : 'Or stop every marketing e-mail:'}</p>${everything ? '' : '<button type="submit">Unsubscribe from everything</button>'}</form>`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page('Your e-mail preferences', body));
  }

  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // Mailbox providers POST `List-Unsubscribe=One-Click` as a form, sometimes as multipart: any body is
    // accepted on these routes (and only these; the JSON API keeps refusing forms with 415).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => done(null, parseForm(String(body))));
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 8192 }, (_request, _body, done) => done(null, {}));

    scope.post(
      '/u/:token',
      { schema: { summary: 'One-click unsubscribe (RFC 8058): the signed token names the contact and topic', tags: ['links'], params: TokenParams } },
      async (request, reply) => {
        const claims = claimsOf(request.params.token, 'unsubscribe');
        const topic = claims.topic ?? ALL_TOPICS;
        const result = await deps.messaging.changeSubscriptions(claims.contactId, [{ topic, status: 'unsubscribed' }], 'one-click', { ...(claims.emailId === undefined ? {} : { emailId: claims.emailId }) }, new Date());
        if (result === undefined) throw new HttpError(404, 'not_found', 'this contact no longer exists');
        const what = topic === ALL_TOPICS ? 'any marketing e-mail' : labelOf(topic);
        return preferencesPage(reply, { ...claims, contactId: result.contactId }, `You are unsubscribed: you will not receive ${what} from us any more.`);
      },
    );

    scope.get('/u/:token', { schema: { summary: 'The preference page behind an unsubscribe link (changes nothing by itself)', tags: ['links'], params: TokenParams } }, async (request, reply) =>
      preferencesPage(reply, claimsOf(request.params.token, 'unsubscribe'), ''),
    );
    scope.get('/p/:token', { schema: { summary: 'The preference page: topics the contact receives', tags: ['links'], params: TokenParams } }, async (request, reply) =>
      preferencesPage(reply, claimsOf(request.params.token, 'preferences'), ''),
    );

    scope.post(
      '/p/:token',
      { schema: { summary: 'Saves the topics chosen on the preference page', tags: ['links'], params: TokenParams, body: PreferencesForm } },
      async (request, reply) => {
        const claims = claimsOf(request.params.token, 'preferences');
        const shown = request.body.shown.filter((topic) => TOPIC_PATTERN.test(topic) && topic !== ALL_TOPICS);
        const chosen = new Set(request.body.topics);
        const changes = shown.map((topic) => ({ topic, status: chosen.has(topic) ? ('subscribed' as const) : ('unsubscribed' as const) }));
        // Choosing a topic again also lifts an earlier unsubscribe from everything.
        if (chosen.size > 0) changes.push({ topic: ALL_TOPICS, status: 'subscribed' });
        const result = await deps.messaging.changeSubscriptions(claims.contactId, changes, 'preferences', { ...(claims.emailId === undefined ? {} : { emailId: claims.emailId }) }, new Date());
        if (result === undefined) throw new HttpError(404, 'not_found', 'this contact no longer exists');
        return preferencesPage(reply, { ...claims, contactId: result.contactId }, 'Your choices are saved.');
      },
    );

    // Double opt-in. Opening the link only shows a button: mail scanners open links, people press buttons.
    scope.get('/confirm/:token', { schema: { summary: 'The double opt-in page: a button that confirms the subscription', tags: ['links'], params: TokenParams } }, async (request, reply) => {
      const claims = claimsOf(request.params.token, 'confirm');
      const body = `<p>Confirm that you want to receive ${escapeHtml(labelOf(claims.topic ?? ''))} from us.</p><form method="post" action="/confirm/${escapeHtml(request.params.token)}"><button type="submit">Yes, subscribe me</button></form>`;
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page('Confirm your subscription', body));
    });

    scope.post('/confirm/:token', { schema: { summary: 'Confirms a pending subscription (double opt-in)', tags: ['links'], params: TokenParams } }, async (request, reply) => {
      const claims = claimsOf(request.params.token, 'confirm');
      const topic = claims.topic ?? '';
      const subscriptions = await deps.messaging.subscriptions(claims.contactId);
      const status = subscriptions.find((s) => s.topic === topic)?.status;
      // Only a pending request is confirmed: an old link never overrides a later unsubscribe.
      if (status === 'pending') await deps.messaging.changeSubscriptions(claims.contactId, [{ topic, status: 'subscribed' }, { topic: ALL_TOPICS, status: 'subscribed' }], 'double-opt-in', {}, new Date());
      const notice = status === 'pending' || status === 'subscribed' ? 'Thank you: your subscription is confirmed.' : 'This request was withdrawn; choose what you receive below.';
      return preferencesPage(reply, claims, notice);
    });
  });

  app.get(
    '/c/:token',
    { schema: { summary: 'Click redirect: records email_clicked, then 302 to the signed destination', tags: ['links'], params: TokenParams } },
    async (request, reply) => {
      const claims = claimsOf(request.params.token, 'click');
      const url = claims.url ?? '';
      // Signed, and still only http(s): a token can never send a reader to javascript: or data:.
      if (!/^https?:\/\//i.test(url)) throw new HttpError(400, 'invalid_token', 'this link is not valid', [{ path: 'token', message: 'not an http(s) destination' }]);
      const now = new Date();
      // One event per e-mail, link and minute: a double click or a scanner's prefetch followed by the
      // reader's own click counts once; coming back later counts again (the scorer's caps weigh repeats).
      const linkId = createHash('sha256').update(url).digest('hex').slice(0, 12);
      await deps.messaging.recordContactEvent(claims.contactId, { messageId: `email_clicked:${claims.emailId ?? ''}:${linkId}:${Math.floor(now.getTime() / 60_000)}`, type: 'email_clicked', properties: { emailId: claims.emailId, url } }, now);
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    '/o/:file',
    { schema: { summary: 'Open pixel: records email_opened and answers a 1×1 GIF', tags: ['links'], params: PixelParams } },
    async (request, reply) => {
      const claims = claimsOf(request.params.file.replace(/\.gif$/, ''), 'open');
      const now = new Date();
      // Mail clients fetch the pixel each time the message is shown, and some prefetch it: one open per e-mail and hour.
      await deps.messaging.recordContactEvent(claims.contactId, { messageId: `email_opened:${claims.emailId ?? ''}:${Math.floor(now.getTime() / 3_600_000)}`, type: 'email_opened', properties: { emailId: claims.emailId } }, now);
      return reply.type('image/gif').header('cache-control', 'no-store, private').send(PIXEL);
    },
  );
}
