import { signPayload, verifyPayload } from './tokens.js';

// In-store coupons: the code shown as a Code 128 barcode and as a QR code, images at signed URLs so
// that a till's scanner reads them from a phone. The token holds the code and the symbology and
// nothing about the person: the image shows the code anyway, and the signature stops anyone from
// having the engine draw codes it never issued.

export type BarcodeKind = 'code128' | 'qr';
const KINDS: readonly BarcodeKind[] = ['code128', 'qr'];
const CONTEXT = 'relance-barcode-v1.';

export function barcodeToken(secret: string, kind: BarcodeKind, code: string): string {
  return signPayload(secret, CONTEXT, JSON.stringify([KINDS.indexOf(kind), code]));
}

export function readBarcodeToken(secret: string, token: string): { kind: BarcodeKind; code: string } | undefined {
  const verified = verifyPayload(secret, CONTEXT, token);
  if (!verified.valid) return undefined;
  let compact: unknown;
  try {
    compact = JSON.parse(verified.payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(compact) || compact.length !== 2) return undefined;
  const [index, code] = compact as unknown[];
  const kind = typeof index === 'number' ? KINDS[index] : undefined;
  return kind === undefined || typeof code !== 'string' || code === '' ? undefined : { kind, code };
}

/** What templates read beside `coupon.code`: `{{ coupon.barcode_url }}` and `{{ coupon.qr_url }}`. */
export function barcodeUrls(publicUrl: string, secret: string, code: string): { barcode_url: string; qr_url: string } {
  return {
    barcode_url: `${publicUrl}/b/${barcodeToken(secret, 'code128', code)}.png`,
    qr_url: `${publicUrl}/b/${barcodeToken(secret, 'qr', code)}.png`,
  };
}

/**
 * A send's template variables with `coupon.barcode_url` and `coupon.qr_url` beside `coupon.code`,
 * computed where the e-mail is rendered, so workflow histories keep the code alone.
 */
export function withCouponImages(data: Record<string, unknown> | undefined, publicUrl: string, secret: string): Record<string, unknown> {
  const coupon = data?.['coupon'];
  if (coupon === null || typeof coupon !== 'object' || typeof (coupon as { code?: unknown }).code !== 'string') return data ?? {};
  const code = (coupon as { code: string }).code;
  return { ...data, coupon: { ...coupon, ...barcodeUrls(publicUrl, secret, code) } };
}
