import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../domain/money.js';
import { TemplateRenderer } from '../../templates/renderer.js';

// The cart, wishlist and cross-sell e-mails show what the shop sent in the event: a reader recognises
// their own cart (names, pictures, quantities, prices in their currency and language, the total, a
// link back), and an event with less in it still gives a clean e-mail.

const links = { unsubscribe_url: 'https://relance.example/u/t', preferences_url: 'https://relance.example/p/t' };
const cart = {
  cart_id: 'cart-7',
  currency: 'EUR',
  total: 89.7,
  cart_url: 'https://shop.example/cart/7',
  products: [
    { product_id: 'p1', name: 'Linen apron', price: 29.9, quantity: 2, image_url: 'https://cdn.example/apron.jpg', url: 'https://shop.example/p/apron' },
    { product_id: 'p2', name: 'Enamel mug & saucer', price: 29.9, quantity: 1 },
  ],
};

describe('product-aware e-mails', () => {
  const renderer = new TemplateRenderer();

  it('formats money per currency and locale, and degrades without a currency or an amount', () => {
    expect(formatMoney(29.9, 'EUR', 'fr-FR')).toBe('29,90\u00a0€');
    expect(formatMoney(29.9, 'EUR', 'en-IE')).toBe('€29.90');
    expect(formatMoney(1990, 'JPY', 'ja-JP')).toBe('￥1,990');
    expect(formatMoney(12, 'usd')).toBe('$12.00');
    expect(formatMoney('7.5', undefined)).toBe('7.50');
    expect(formatMoney(7.5, 'EUR', 'not a locale')).toBe('€7.50');
    expect(formatMoney(undefined, 'EUR')).toBe('');
    expect(formatMoney('free', 'EUR')).toBe('');
  });

  it('shows the cart in the reminder: pictures, names, quantities, prices, the total and the way back', async () => {
    const email = await renderer.render('cart-reminder', { contact: { firstName: 'Ada', locale: 'fr-FR' }, event: cart, ...links });
    expect(email.html).toContain('src="https://cdn.example/apron.jpg"');
    expect(email.html).toContain('Enamel mug &amp; saucer');
    expect(email.text).toContain('2 × 29,90\u00a0€');
    expect(email.text).toContain('Total: 89,70\u00a0€');
    expect(email.html).toContain('href="https://shop.example/cart/7"');
    expect(email.text).toContain('Back to my cart');
  });

  it('shows the cart as it was last changed when the wait saw a newer cart_updated', async () => {
    const changed = { ...cart, total: 29.9, products: [{ name: 'Oak board', price: 29.9, quantity: 1 }] };
    const email = await renderer.render('cart-reminder', { contact: { locale: 'en-IE' }, event: cart, lastEvent: changed, ...links });
    expect(email.text).toContain('Oak board');
    expect(email.text).not.toContain('Linen apron');
    expect(email.text).toContain('Total: €29.90');
  });

  it('still reads well when the event has no products, prices or pictures', async () => {
    const bare = await renderer.render('cart-reminder', { contact: {}, event: { cart_id: 'c' }, ...links });
    expect(bare.text).toContain('Your cart is still waiting for you');
    expect(bare.text).not.toContain('Total');
    expect(bare.html).not.toMatch(/<img[^>]+src=""/);
    const unpriced = await renderer.render('cart-reminder', { contact: {}, event: { products: [{ sku: 'SKU-9' }] }, ...links });
    expect(unpriced.text).toContain('SKU-9');
    expect(unpriced.text).not.toMatch(/NaN|undefined|\[object/);
  });

  it('shows the product in the wishlist offer and the order in the cross-sell offer', async () => {
    const coupon = { code: 'WISH-10', expiresAt: '2026-12-31T00:00:00.000Z' };
    const wishlist = await renderer.render('wishlist-offer', { contact: { locale: 'fr-FR' }, coupon, event: { name: 'Wool throw', price: 79, currency: 'EUR', image_url: 'https://cdn.example/throw.jpg' }, ...links });
    expect(wishlist.text).toContain('Wool throw');
    expect(wishlist.text).toContain('79,00\u00a0€');
    expect(wishlist.html).toContain('src="https://cdn.example/throw.jpg"');
    const crossSell = await renderer.render('cross-sell-offer', { contact: {}, coupon, event: { ...cart, order_id: 'o-1' }, ...links });
    expect(crossSell.text).toContain('What you ordered');
    expect(crossSell.text).toContain('Linen apron');
  });

  it('passes validation, so a marketer can copy and publish them', async () => {
    for (const name of ['cart-reminder', 'cart-coupon', 'wishlist-offer', 'cross-sell-offer']) {
      expect((await renderer.validate(name)).problems, name).toEqual([]);
    }
  });
});
