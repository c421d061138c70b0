import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveCommand, UsageError, usageOf, type CliContext, type CommandGroup } from './cli/command.js';
import { newsletterCommands } from './cli/newsletter.commands.js';
import { simulateCommand } from './cli/simulate.command.js';
import { LOCAL_KEYS_FILE } from './local/local-keys.js';

// `npm run relance -- <group> <command> [args]`. Each group lives in scripts/cli/<group>.commands.ts;
// add yours to ROOT below.

export const ROOT: CommandGroup = {
  summary: 'Relance command line',
  commands: {
    newsletter: newsletterCommands,
    simulate: simulateCommand,
  },
};

function context(env: NodeJS.ProcessEnv): CliContext {
  return {
    apiUrl: (env['RELANCE_API_URL'] ?? `http://127.0.0.1:${env['PORT'] ?? '3000'}`).replace(/\/$/, ''),
    async adminKey() {
      const explicit = env['RELANCE_ADMIN_KEY'];
      if (explicit !== undefined && explicit !== '') return explicit;
      const file = path.join(env['RELANCE_DATA_DIR'] ?? '.data', LOCAL_KEYS_FILE);
      const saved = await readFile(file, 'utf8').then(
        (text) => (JSON.parse(text) as { adminKey?: string }).adminKey,
        () => undefined,
      );
      if (saved === undefined) throw new UsageError(`set RELANCE_ADMIN_KEY (no local key in ${file}: is npm start running here?)`);
      return saved;
    },
    out: process.stdout,
    err: process.stderr,
  };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`usage: npm run relance -- <command>\n${usageOf(ROOT, '').join('\n')}\n`);
    return 0;
  }
  try {
    const { command, args } = resolveCommand(ROOT, argv);
    return await command.run(args, context(env));
  } catch (error) {
    process.stderr.write(`relance: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  process.exitCode = await main(process.argv.slice(2));
}
