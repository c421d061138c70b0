import { fileURLToPath } from 'node:url';

// The newsletter the render bench and the template-equivalence test both render: a realistic issue
// (loops over products, prices, conditions) and generated recipients, each one distinct.

export const NEWSLETTER_FIXTURE = fileURLToPath(new URL('./fixtures/newsletter.mjml', import.meta.url));

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Linus', 'Frances', 'Ken', 'Radia', 'Tim'];
const CITIES = ['Lyon', 'Nantes', 'Lille', 'Bordeaux', 'Genève', 'Bruxelles', null, null];
const PRODUCTS = Array.from({ length: 24 }, (_, k) => ({
  sku: `SKU-${1000 + k}`,
  name: ['Linen apron', 'Oak chopping board', 'Salt & pepper mill', 'Enamel mug', 'Wool throw', 'Copper pan'][k % 6] + ` no. ${k + 1}`,
  blurb: 'Made in small batches by a workshop we visit every year; repairable, and guaranteed for ten years.',
  price: 1490 + k * 375,
  oldPrice: k % 3 === 0 ? 1990 + k * 375 : null,
  stock: k % 5 === 0 ? 0 : 3 + k,
  image: `https://cdn.relance.example/products/${1000 + k}/400x400.jpg`,
  url: `https://shop.relance.example/p/${1000 + k}`,
}));

const ISSUE = {
  number: 87,
  title: 'Relance Store — May picks',
  month: 'May',
  webUrl: 'https://shop.relance.example/newsletter/87',
  campaign: 'newsletter-87',
  headline: 'Spring picks, made to last',
  promoCode: 'MAY15',
  promoEnds: '31 May',
};

/** Recipient `i`: its own name, address, city, points, token and four products of its own. */
export function recipient(i: number): Record<string, unknown> {
  const n = Math.abs(i);
  return {
    contact: {
      id: `c_${n.toString(36).padStart(6, '0')}`,
      firstName: FIRST_NAMES[n % FIRST_NAMES.length],
      email: `person${n}@example.com`,
      city: CITIES[n % CITIES.length],
      loyaltyPoints: (n * 37) % 500,
      unsubscribeToken: `u${((n + 1) * 2654435761) % 4294967296}`,
    },
    issue: ISSUE,
    items: [0, 1, 2, 3].map((k) => PRODUCTS[(n * 7 + k * 5) % PRODUCTS.length]),
  };
}

