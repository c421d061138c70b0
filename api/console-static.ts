import fastifyStatic from '@fastify/static';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiInstance } from './app.js';
import { HttpError } from './errors.js';

/** Where `npm run build:console` writes the console (scripts/console-build.ts). */
export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../console/dist');

const isFile = (file: string) =>
  stat(file).then(
    (info) => info.isFile(),
    () => false,
  );

/**
 * The console at /console/: files of the build as they are, any other path the SPA's index.html
 * (its router draws the screen). Vite names every asset after its content hash, so /console/assets/
 * is cached for a year; index.html is revalidated on every load so a new build is picked up at once.
 */
export async function registerConsoleStatic(app: ApiInstance, root = CONSOLE_DIST): Promise<void> {
  // serve: false: only reply.sendFile, with its path checks; the one route below decides what to send.
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false });

  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 308));

  app.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (request, reply) => {
    const wanted = request.params['*'];
    if (wanted.startsWith('api/')) throw new HttpError(404, 'not_found', `no console API route ${request.url}`);
    if (!(await isFile(path.join(root, 'index.html')))) {
      throw new HttpError(503, 'console_not_built', 'the console is not built: run npm run build:console (npm start builds it)');
    }
    const file = path.normalize(wanted);
    if (wanted !== '' && !file.startsWith('..') && !path.isAbsolute(file) && (await isFile(path.join(root, file)))) {
      const immutable = file.startsWith(`assets${path.sep}`);
      return reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(file);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
  });
}
