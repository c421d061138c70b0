import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { api, unwrap } from '../api/client';
import { Problem, Section } from '../ui';

// React Flow and dagre are the heaviest code of the console: loaded only when a graph is drawn.
const JourneyGraph = lazy(() => import('./journey-graph'));

export default function JourneyDetail({ id }: { id: string }) {
  const journey = useQuery({
    queryKey: ['journey', id],
    queryFn: async () => unwrap(await api.GET('/v1/journeys/{id}', { params: { path: { id } } })),
    refetchInterval: 5_000,
  });
  if (journey.isError) return <Problem error={journey.error} />;
  if (journey.data === undefined) return <p className="loading">Loading…</p>;
  const { analytics } = journey.data;
  const definition = journey.data.activeDefinition ?? journey.data.draft;
  const version = journey.data.activeVersion;
  const counts = new Map(analytics.nodes.filter((node) => version === null || node.version === version).map((node) => [node.nodeId, node]));

  return (
    <>
      <h1>{journey.data.name}</h1>
      <p className="facts">
        <span className={`status status-${journey.data.status}`}>{journey.data.status}</span> · {version === null ? 'not published (showing the draft)' : `version ${version}`} · entered{' '}
        <strong data-testid="journey-entered">{analytics.entered}</strong> · in flight {analytics.inFlight} · goal {analytics.exitedByGoal} · timeout {analytics.exitedByTimeout} · stopped{' '}
        {analytics.stopped}
      </p>
      <Section title="Graph">
        <Suspense fallback={<p className="loading">Drawing…</p>}>
          <JourneyGraph definition={definition} counts={counts} />
        </Suspense>
      </Section>
    </>
  );
}
