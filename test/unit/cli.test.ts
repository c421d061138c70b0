import { describe, expect, it } from 'vitest';
import { resolveCommand, UsageError, type CommandGroup } from '../../scripts/cli/command.js';
import { formatProgress } from '../../scripts/cli/newsletter.commands.js';
import { ROOT } from '../../scripts/relance.js';

describe('relance CLI', () => {
  it('finds a command in the tree and passes it the remaining arguments', () => {
    const found = resolveCommand(ROOT, ['newsletter', 'progress', 'abc']);
    expect(found.path).toBe('newsletter progress');
    expect(found.args).toEqual(['abc']);
  });

  it('lists the commands of a group when the name is unknown or missing', () => {
    expect(() => resolveCommand(ROOT, ['newsletter', 'frob'])).toThrow(UsageError);
    expect(() => resolveCommand(ROOT, ['newsletter', 'frob'])).toThrow(/unknown command newsletter frob; one of:\n {2}newsletter send <id>/);
    expect(() => resolveCommand(ROOT, [])).toThrow(/expected a command/);
  });

  it('lets another group plug in beside newsletters', () => {
    const tree: CommandGroup = { summary: '', commands: { ...ROOT.commands, journey: { summary: '', commands: { simulate: { usage: '<file>', summary: 'dry run', run: async () => 0 } } } } };
    expect(resolveCommand(tree, ['journey', 'simulate', 'cart.json']).args).toEqual(['cart.json']);
  });

  it('draws the recipients handled out of all, with skipped reasons', () => {
    const line = formatProgress(
      { status: 'sending', counts: { total: 1_000, queued: 750, sent: 240, skipped: { unsubscribed: 6, 'no-email-address': 4 }, failed: 0 }, progress: { nextSendAt: null } },
      20,
    );
    expect(line).toBe('[#####...............]  25% 250/1,000 · sent 240 · skipped 10 (no-email-address 4, unsubscribed 6) · failed 0 · sending');
    expect(formatProgress({ status: 'sending', counts: { total: 10, queued: 4, sent: 6, skipped: {}, failed: 0 }, progress: { nextSendAt: '2026-12-01T08:00:00.000Z' } }, 10)).toBe(
      '[######....]  60% 6/10 · sent 6 · skipped 0 · failed 0 · sending · next at 2026-12-01T08:00:00.000Z',
    );
  });
});
