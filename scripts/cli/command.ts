// The shape of `npm run relance -- <group> <command> [args]`: a tree of named commands, so each
// feature adds its own group (newsletter, journey…) in a file of its own and one line in
// scripts/relance.ts.

export interface CliContext {
  /** Where the API listens (RELANCE_API_URL, else http://127.0.0.1:$PORT). */
  apiUrl: string;
  /** An admin key (RELANCE_ADMIN_KEY, else the local key `npm start` saved). */
  adminKey(): Promise<string>;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface Command {
  usage: string;
  summary: string;
  /** Resolves with the exit code. */
  run(args: string[], context: CliContext): Promise<number>;
}

export interface CommandGroup {
  summary: string;
  commands: Record<string, Command | CommandGroup>;
}

export class UsageError extends Error {}

/** `[#########.....]` for a share between 0 and 1: the one bar every long-running command draws. */
export function progressBar(ratio: number, width = 30): string {
  const filled = Math.round(Math.min(1, Math.max(0, ratio)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function isGroup(node: Command | CommandGroup): node is CommandGroup {
  return 'commands' in node;
}

/** Every command under a node, one line each, for help and usage errors. */
export function usageOf(node: Command | CommandGroup, prefix: string): string[] {
  if (!isGroup(node)) return [`  ${prefix} ${node.usage}`.trimEnd().padEnd(56) + node.summary];
  return Object.entries(node.commands).flatMap(([name, child]) => usageOf(child, `${prefix} ${name}`.trim()));
}

/** Finds the command the arguments name; the rest are its own. */
export function resolveCommand(root: CommandGroup, argv: readonly string[]): { command: Command; args: string[]; path: string } {
  let node: Command | CommandGroup = root;
  let index = 0;
  const path: string[] = [];
  while (isGroup(node)) {
    const name = argv[index];
    const child: Command | CommandGroup | undefined = name === undefined ? undefined : node.commands[name];
    if (child === undefined) {
      const where = path.length === 0 ? '' : `${path.join(' ')} `;
      throw new UsageError(`${name === undefined ? `expected a command` : `unknown command ${where}${name}`}; one of:\n${usageOf(node, path.join(' ')).join('\n')}`);
    }
    path.push(name!);
    node = child;
    index += 1;
  }
  return { command: node, args: argv.slice(index), path: path.join(' ') };
}
