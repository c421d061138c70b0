import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { formatSummary, loadDefinition, parseArguments, simulate } from '../simulate.js';
import type { Command } from './command.js';

/** `npm run relance -- simulate <journey> --contacts N --days D`: the dry run, nothing sent to anyone. */
export const simulateCommand: Command = {
  usage: '<template | journey.json> [--contacts 1000] [--days 30] [--seed n]',
  summary: 'dry-run a journey on the time-skipping server: paths, e-mails per day, exits',
  async run(argv, context) {
    const args = parseArguments(argv);
    // A wrong name fails here, before the Temporal runtime is installed (which would keep the process alive).
    await loadDefinition(args.journey);
    // The summary goes to stdout: the SDK's own warnings (the test server's missing capabilities) would mix into it.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } } });
    const started = performance.now();
    const summary = await simulate(args, { progress: (line) => context.err.write(line) });
    context.out.write(`${formatSummary(args.journey, summary, performance.now() - started)}\n`);
    return 0;
  },
};
