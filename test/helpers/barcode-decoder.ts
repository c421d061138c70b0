import { inflateSync } from 'node:zlib';
import zxing, { type DecodeHintType as DecodeHint } from '@zxing/library';

// @zxing/library is CommonJS whose named exports Node's ESM loader cannot detect: take them from the default.
const { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } = zxing;

// Reads a barcode image the way a till's scanner would: the PNG's pixels, decoded by ZXing. No PNG
// decoder is installed, and bwip-js writes plain 8-bit non-interlaced PNGs, so this reads exactly
// those (grey, grey + alpha, RGB, RGBA) and refuses anything else rather than guess.

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** One grey level per pixel (0 black, 255 white), transparent pixels over white. */
export function pngLuminance(png: Buffer): { width: number; height: number; luminance: Uint8ClampedArray } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colourType, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = CHANNELS[colourType ?? -1] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colourType}, interlace ${interlace}`);
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) throw new Error(`unknown PNG filter ${filter}`);
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const luminance = new Uint8ClampedArray(width * height);
  for (let i = 0; i < width * height; i += 1) {
    const at = i * channels;
    const grey = channels <= 2 ? pixels[at]! : (pixels[at]! * 299 + pixels[at + 1]! * 587 + pixels[at + 2]! * 114) / 1000;
    const alpha = channels === 2 ? pixels[at + 1]! : channels === 4 ? pixels[at + 3]! : 255;
    luminance[i] = Math.round((grey * alpha + 255 * (255 - alpha)) / 255);
  }
  return { width, height, luminance };
}

/**
 * The text a Code 128 or QR image holds. A scanner set to the symbology (as tills are) is asked, so
 * a QR image never passes as a barcode nor the other way round. The images are the symbols as served
 * (white padding, no photo): read as pure barcodes. Searched for as in a photo, ZXing missed the
 * finder patterns of 2–3 % of valid QR images (8–12 of 400 random codes), which made the tests
 * flake; as pure images, 1,000 random codes of each symbology all read back.
 */
export function decodeBarcode(png: Buffer, format: 'code128' | 'qr'): string {
  const { width, height, luminance } = pngLuminance(png);
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHint, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [format === 'qr' ? BarcodeFormat.QR_CODE : BarcodeFormat.CODE_128]],
    [DecodeHintType.TRY_HARDER, true],
    [DecodeHintType.PURE_BARCODE, true],
  ]);
  return reader.decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height))), hints).getText();
}
