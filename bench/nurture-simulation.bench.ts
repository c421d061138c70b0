// The nurture journey's dry run on Temporal's time-skipping server (what `npm run relance -- simulate`
// runs): N synthetic contacts × 30 simulated days, run in cohorts by the journey interpreter with
// recording effects. The target is 10,000 contacts × 30 days in under 60 s, measured directly
// (BENCH_SIMULATION_CONTACTS sets N; any other N is projected linearly to 10,000).
import { formatSummary, parseArguments, simulate } from '../scripts/simulate.js';
import { type BenchFigure, type BenchSuite, countFromEnv, round } from './harness.js';

export async function benchNurtureSimulation(): Promise<BenchFigure[]> {
  const contacts = countFromEnv('BENCH_SIMULATION_CONTACTS', 10_000);
  const args = parseArguments(['inbound-nurture', '--contacts', String(contacts), '--days', '30', '--seed', '7']);
  const started = performance.now();
  const summary = await simulate(args, { progress: () => undefined });
  const seconds = (performance.now() - started) / 1000;
  const emails = summary.emailsPerDay.reduce((sum, day) => sum + day, 0);
  const notes = `${emails} e-mails; ${formatSummary('inbound-nurture', summary, seconds * 1000).split('\n')[0]} (test server start and workflow bundling included)`;
  if (contacts === 10_000) {
    return [{ id: 'simulation.nurture-10k', name: '10,000 contacts × 30 days of nurture (time-skipping server)', value: round(seconds), unit: 's', target: { op: '<', value: 60 }, notes }];
  }
  return [
    { id: 'simulation.nurture', name: `nurture dry run, ${contacts.toLocaleString('en-US')} contacts × 30 days (time-skipping server)`, value: round(seconds), unit: 's', notes },
    {
      id: 'simulation.nurture-10k',
      name: '10,000 contacts × 30 days of nurture, projected linearly',
      value: round((seconds * 10_000) / contacts),
      unit: 's',
      target: { op: '<', value: 60 },
    },
  ];
}

export const nurtureSimulationSuite: BenchSuite = {
  name: 'nurture-simulation',
  description: 'the nurture journey dry-run on the time-skipping server, 10,000 contacts × 30 simulated days',
  run: () => benchNurtureSimulation(),
};
