// The nurture journey's dry run on Temporal's time-skipping server (what `npm run relance -- simulate`
// runs): N synthetic contacts × 30 simulated days, with in-memory recording activities. The target
// is 10,000 contacts × 30 days in under 60 s; BENCH_SIMULATION_CONTACTS sets N (1,000 by default,
// so a full bench run stays short) and the 10,000-contact time is projected from it linearly.
import { formatSummary, parseArguments, simulate } from '../scripts/simulate.js';
import { type BenchFigure, type BenchSuite, countFromEnv, round } from './harness.js';

export async function benchNurtureSimulation(): Promise<BenchFigure[]> {
  const contacts = countFromEnv('BENCH_SIMULATION_CONTACTS', 1_000);
  const args = parseArguments(['inbound-nurture', '--contacts', String(contacts), '--days', '30', '--seed', '7']);
  const started = performance.now();
  const summary = await simulate(args, { progress: () => undefined });
  const seconds = (performance.now() - started) / 1000;
  const projected = contacts === 10_000 ? seconds : (seconds * 10_000) / contacts;
  const emails = summary.emailsPerDay.reduce((sum, day) => sum + day, 0);
  return [
    {
      id: 'simulation.nurture',
      name: `nurture dry run, ${contacts.toLocaleString('en-US')} contacts × 30 days (time-skipping server)`,
      value: round(seconds),
      unit: 's',
      notes: `${emails} e-mails; ${formatSummary('inbound-nurture', summary, seconds * 1000).split('\n')[0]}`,
    },
    {
      id: 'simulation.nurture-10k',
      name: '10,000 contacts × 30 days of nurture' + (contacts === 10_000 ? '' : ', projected linearly'),
      value: round(projected),
      unit: 's',
      target: { op: '<', value: 60 },
    },
  ];
}

export const nurtureSimulationSuite: BenchSuite = {
  name: 'nurture-simulation',
  description: 'the nurture journey dry-run on the time-skipping server, contacts × 30 simulated days',
  run: () => benchNurtureSimulation(),
};
