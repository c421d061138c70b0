import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The fault suite's figures (kills survived, e-mails checked, payloads tried...) go to the terminal,
 * whatever vitest does with console output, and to `.faults/figures.jsonl` for the closing summary.
 */
export function reportFigures(suite: string, figures: Record<string, number | string>): void {
  const lines = Object.entries(figures).map(([name, value]) => `  ${name.padEnd(28)} ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`);
  process.stderr.write(`\n[faults] ${suite}\n${lines.join('\n')}\n`);
  const directory = path.resolve('.faults');
  mkdirSync(directory, { recursive: true });
  appendFileSync(path.join(directory, 'figures.jsonl'), `${JSON.stringify({ suite, at: new Date().toISOString(), figures })}\n`);
}
