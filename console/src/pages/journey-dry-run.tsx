import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { Problem } from '../ui';
import type { NodeCounts } from './journey-graph';

/** Contacts through each node over the dry run's paths ("a → b → c"), drawn on the graph as visits. */
export function dryRunCounts(paths: readonly { path: string; contacts: number }[]): NodeCounts {
  const counts: NodeCounts = new Map();
  for (const { path, contacts } of paths) {
    for (const node of new Set(path.split(' → '))) {
      const entry = counts.get(node) ?? { now: 0, visits: {} };
      entry.visits['dry run'] = (entry.visits['dry run'] ?? 0) + contacts;
      counts.set(node, entry);
    }
  }
  return counts;
}

/** The saved draft's dry run: synthetic contacts over simulated days, its progress, then where they went. */
export default function DryRunPanel({ journeyId, onResult }: { journeyId: string; onResult: (counts: NodeCounts | undefined) => void }) {
  const [runId, setRunId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const run = useQuery({
    queryKey: ['dry-run', journeyId, runId],
    enabled: runId !== undefined,
    queryFn: async () => {
      const answer = unwrap(await api.GET('/v1/journeys/{id}/dry-runs/{runId}', { params: { path: { id: journeyId, runId: runId! } } }));
      if (answer.summary !== null) onResult(dryRunCounts(answer.summary.paths));
      return answer;
    },
    refetchInterval: (query) => (query.state.data?.status === 'running' || query.state.data === undefined ? 500 : false),
  });

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(undefined);
    onResult(undefined);
    try {
      const started = unwrap(await api.POST('/v1/journeys/{id}/dry-runs', { params: { path: { id: journeyId } }, body: { contacts: Number(form.get('contacts')), days: Number(form.get('days')) } }));
      setRunId(started.id);
    } catch (problem) {
      setError(problem);
    }
  }

  const data = run.data;
  const percent = data === undefined ? 0 : Math.round(data.progress.fraction * 100);
  const peak = Math.max(1, ...(data?.summary?.emailsPerDay ?? []));
  return (
    <section className="publish" aria-label="Dry run">
      <h3>Dry run of the saved draft</h3>
      <form className="filters" onSubmit={start} aria-label="Dry run settings">
        <label>
          Contacts <input name="contacts" type="number" min={1} max={20000} defaultValue={1000} />
        </label>
        <label>
          Days <input name="days" type="number" min={1} max={90} defaultValue={30} />
        </label>
        <button type="submit" disabled={data?.status === 'running'}>
          Run dry run
        </button>
      </form>
      {error !== undefined && <Problem error={error} />}
      {data !== undefined && (
        <div className="progress-line">
          <div className="progress" role="progressbar" aria-label="dry run progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span style={{ width: `${percent}%` }} />
          </div>
          <span data-testid="dry-run-percent">{percent} %</span>
          <span>
            day {data.progress.day}/{data.request.days} · ended {data.progress.ended}/{data.request.contacts} · e-mails {data.progress.emails}
          </span>
        </div>
      )}
      {data?.status === 'failed' && (
        <p className="error" role="alert">
          The dry run failed: {data.error}
        </p>
      )}
      {data?.summary != null && (
        <>
          <table aria-label="Dry run paths">
            <thead>
              <tr>
                <th>Contacts</th>
                <th>Path taken</th>
              </tr>
            </thead>
            <tbody>
              {data.summary.paths.map((line) => (
                <tr key={line.path}>
                  <td>{line.contacts}</td>
                  <td>{line.path}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="dry-run-outcomes">
            Exits:{' '}
            {Object.entries(data.summary.outcomes)
              .map(([outcome, count]) => `${outcome} ${count}`)
              .join(' · ')}
          </p>
          <svg className="emails-per-day" aria-label="E-mails per day" width={Math.max(120, data.summary.emailsPerDay.length * 12)} height={60}>
            {data.summary.emailsPerDay.map((count, day) => (
              <rect key={day} x={day * 12} y={60 - (count / peak) * 56} width={10} height={(count / peak) * 56}>
                <title>{`day ${day + 1}: ${count} e-mails`}</title>
              </rect>
            ))}
          </svg>
        </>
      )}
    </section>
  );
}
