/**
 * Prices as a reader expects them in their own language: `19,90 €` for fr-FR, `€19.90` for en-IE,
 * `¥1,990` for JPY (no minor unit). Amounts are in major units, as Segment's and the catalogue's
 * `price` and `total` are. Whatever a shop sends, an e-mail still renders: a missing amount gives
 * an empty string, an unknown currency or locale the plain amount with its currency code.
 */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatter(currency: string, locale: string): Intl.NumberFormat | null {
  const key = `${locale}|${currency}`;
  let found = formatters.get(key);
  if (found === undefined) {
    try {
      found = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      found = null;
    }
    formatters.set(key, found);
  }
  return found;
}

export const DEFAULT_MONEY_LOCALE = 'en';

export function formatMoney(amount: unknown, currency?: unknown, locale?: unknown): string {
  const value = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : Number.NaN;
  if (!Number.isFinite(value)) return '';
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : undefined;
  if (code === undefined) return value.toFixed(2);
  const tag = typeof locale === 'string' && locale !== '' ? locale : DEFAULT_MONEY_LOCALE;
  const format = formatter(code, tag) ?? formatter(code, DEFAULT_MONEY_LOCALE);
  return format === null ? `${value.toFixed(2)} ${code}` : format.format(value);
}
