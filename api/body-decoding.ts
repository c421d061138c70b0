import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import { HttpError } from './errors.js';

// Senders compress their batches: RudderStack's SDKs gzip every request by default, and Segment's
// HTTP API takes `Content-Encoding: gzip`. Bodies are inflated as they stream in, and the body limit
// of the route (api/app.ts, 32 KB a call; api/routes/events.ts, 500 KB a batch) applies to the
// inflated bytes: a few hundred KB of gzip can inflate to hundreds of MB, so the inflation stops,
// and the request is refused with 413, at the first byte over the limit; nothing inflated beyond it
// is ever held. Every route gets this; the limit is each route's own.

type Coding = 'gzip' | 'deflate';
const CODINGS: Readonly<Record<string, Coding>> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };
const SUPPORTED = 'gzip, deflate or identity';

/** The one coding a Content-Encoding header asks for; undefined for none (absent or identity). */
function codingOf(header: string): Coding | undefined {
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return undefined;
  const [only] = codings;
  const coding = codings.length === 1 && only !== undefined ? CODINGS[only] : undefined;
  if (coding === undefined) {
    throw new HttpError(415, 'unsupported_content_encoding', `Content-Encoding "${header}" is not supported: send the body as ${SUPPORTED}`);
  }
  return coding;
}

// HTTP's "deflate" is the zlib format (RFC 1950), yet some senders send bare deflate (RFC 1951).
// A zlib stream starts with a two-byte header whose method is 8 and which is a multiple of 31.
const isZlibHeader = (first: number, second: number) => (first & 0x0f) === 8 && (first * 256 + second) % 31 === 0;

/** Inflates a request body, counting both sides; errors with 413 past `limit` inflated bytes, 400 when corrupt. */
class InflatingBody extends Transform {
  /** Compressed bytes read so far: Fastify checks them against Content-Length, and against the limit. */
  receivedEncodedLength = 0;
  private inflatedLength = 0;
  private inflater: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | undefined;
  private head = Buffer.alloc(0);

  constructor(
    private readonly coding: Coding,
    private readonly limit: number,
  ) {
    super();
  }

  private open(first: Buffer): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw {
    const inflater =
      this.coding === 'gzip' ? zlib.createGunzip() : isZlibHeader(first[0]!, first[1]!) ? zlib.createInflate() : zlib.createInflateRaw();
    inflater.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      this.inflatedLength += chunk.length;
      if (this.inflatedLength > this.limit) {
        inflater.destroy();
        this.destroy(new HttpError(413, 'body_too_large', `the body inflates to more than ${this.limit} bytes, the limit of this route (it applies to the decompressed body)`));
        return;
      }
      this.push(chunk);
    });
    inflater.on('error', (error: Error) => {
      if (this.destroyed) return;
      const message = `the ${this.coding} body could not be decompressed: ${error.message}`;
      this.destroy(new HttpError(400, 'invalid_body', message, [{ path: '(body)', message }]));
    });
    this.inflater = inflater;
    return inflater;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    let inflater = this.inflater;
    if (inflater === undefined) {
      // Deflate is told apart by its first two bytes, which may come in two chunks.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.coding === 'deflate' && this.head.length < 2) return callback();
      inflater = this.open(this.head);
      chunk = this.head;
      this.head = Buffer.alloc(0);
    }
    if (inflater.write(chunk)) callback();
    else inflater.once('drain', () => callback());
  }

  override _flush(callback: TransformCallback): void {
    // An empty body stays empty (Fastify answers for it as for any empty body).
    let inflater = this.inflater;
    if (inflater === undefined) {
      if (this.head.length === 0) return callback();
      // One byte of deflate: too short for a zlib header, so bare deflate, which refuses it as truncated.
      inflater = this.open(Buffer.from([0, 0]));
      inflater.write(this.head);
    }
    inflater.once('end', () => callback());
    inflater.end();
  }
}

const decodeBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const header = request.headers['content-encoding'];
  if (header === undefined) return done(null, payload);
  let coding: Coding | undefined;
  try {
    coding = codingOf(header);
  } catch (error) {
    return done(error as Error);
  }
  if (coding === undefined) return done(null, payload);
  // RudderStack's Node SDK posts its gzip'd JSON labelled application/x-www-form-urlencoded (axios's
  // default for a Buffer), and its data plane reads any body as JSON. No browser compresses a form,
  // so on the JSON API a compressed "form" is read as the JSON it is; a plain form is still a 415.
  if (request.url.startsWith('/v1/') && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true) {
    request.headers['content-type'] = 'application/json';
  }
  // The pipe stops (and the socket is left to Fastify, which answers) when the inflater gives up.
  done(null, payload.pipe(new InflatingBody(coding, request.routeOptions.bodyLimit)));
};

/** Compressed request bodies (gzip, deflate) on every route, each route's body limit applied to the inflated bytes. */
export function registerBodyDecoding(app: FastifyInstance): void {
  app.addHook('preParsing', decodeBody);
}
