import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { ENTRY_ID, type RawDefinition } from '../../../domain/journeys/editing';
import { api, unwrap } from '../api/client';
import { Link } from '../router';
import { formatTime, Pager, Problem, Section } from '../ui';

// React Flow and dagre are the heaviest code of the console: loaded only when a graph is drawn.
const JourneyGraph = lazy(() => import('./journey-graph'));
const JourneyEditor = lazy(() => import('./journey-editor'));

const ACTIONS = { active: ['pause', 'archive'], paused: ['resume', 'archive'], draft: ['archive'], archived: [] } as const;

const PAGE_SIZE = 25;

/** Who is at a node now, a page at a time, each a link to their profile. */
function NodeContacts({ journeyId, nodeId, version }: { journeyId: string; nodeId: string; version: number }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors.at(-1);
  const page = useQuery({
    queryKey: ['journey-node-contacts', journeyId, version, nodeId, after],
    queryFn: async () =>
      unwrap(await api.GET('/v1/journeys/{id}/nodes/{nodeId}/contacts', { params: { path: { id: journeyId, nodeId }, query: { version, limit: PAGE_SIZE, ...(after === undefined ? {} : { after }) } } })),
  });
  return (
    <Section title={`Contacts at ${nodeId} now`}>
      {page.isError && <Problem error={page.error} />}
      {page.data !== undefined && page.data.contacts.length === 0 && <p className="empty">Nobody is at {nodeId} now.</p>}
      {page.data !== undefined && page.data.contacts.length > 0 && (
        <table aria-label={`Contacts at ${nodeId}`}>
          <thead>
            <tr>
              <th>Contact</th>
              <th>Entered the journey</th>
            </tr>
          </thead>
          <tbody>
            {page.data.contacts.map((contact) => (
              <tr key={contact.runId}>
                <td>
                  <Link to={`/contacts/${contact.contactId}`}>{contact.email ?? contact.contactId}</Link>
                </td>
                <td>{formatTime(contact.enteredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={cursors.length - 1}
        hasPrevious={cursors.length > 1}
        hasNext={(page.data?.next ?? null) !== null}
        onPrevious={() => setCursors(cursors.slice(0, -1))}
        onNext={() => setCursors([...cursors, page.data!.next!])}
      />
    </Section>
  );
}

export default function JourneyDetail({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'live' | 'edit'>('live');
  const [actionError, setActionError] = useState<unknown>();
  const [chosenNode, setChosenNode] = useState<string>();
  const journey = useQuery({
    queryKey: ['journey', id],
    queryFn: async () => unwrap(await api.GET('/v1/journeys/{id}', { params: { path: { id } } })),
    refetchInterval: 3_000,
  });
  if (journey.isError) return <Problem error={journey.error} />;
  if (journey.data === undefined) return <p className="loading">Loading…</p>;
  const { analytics, status } = journey.data;
  const definition = journey.data.activeDefinition ?? journey.data.draft;
  const version = journey.data.activeVersion;
  const counts = new Map(analytics.nodes.filter((node) => version === null || node.version === version).map((node) => [node.nodeId, node]));
  // A journey with no draft is edited from its published definition: saving makes that the draft.
  const editable = (journey.data.draft ?? journey.data.activeDefinition) as RawDefinition | null;

  return (
    <>
      <h1>{journey.data.name}</h1>
      <p className="facts">
        <span className={`status status-${status}`} data-testid="journey-status">
          {status}
        </span>{' '}
        · <span data-testid="journey-version">{version === null ? 'not published (showing the draft)' : `version ${version}`}</span> · entered{' '}
        <strong data-testid="journey-entered">{analytics.entered}</strong> · in flight {analytics.inFlight} · goal {analytics.exitedByGoal} · timeout {analytics.exitedByTimeout} · stopped{' '}
        {analytics.stopped}
      </p>
      <div className="actions">
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === 'live'} onClick={() => setMode('live')}>
            Live
          </button>
          <button type="button" role="tab" aria-selected={mode === 'edit'} disabled={editable === null || status === 'archived'} onClick={() => setMode('edit')}>
            Edit draft
          </button>
        </div>
        {ACTIONS[status].map((action) => (
          <button
            key={action}
            type="button"
            onClick={async () => {
              setActionError(undefined);
              try {
                unwrap(await api.POST(`/v1/journeys/{id}/${action}`, { params: { path: { id } } }));
                await queryClient.invalidateQueries({ queryKey: ['journey', id] });
              } catch (problem) {
                setActionError(problem);
              }
            }}
          >
            {action[0]!.toUpperCase() + action.slice(1)}
          </button>
        ))}
      </div>
      {actionError !== undefined && <Problem error={actionError} />}
      <Suspense fallback={<p className="loading">Drawing…</p>}>
        {mode === 'edit' && editable !== null ? (
          <Section title="Draft">
            <JourneyEditor journeyId={id} initial={editable} />
          </Section>
        ) : (
          <>
            <Section title="Graph">
              <JourneyGraph definition={definition} counts={counts} selected={chosenNode} onSelectNode={(node) => setChosenNode(node === ENTRY_ID ? undefined : node)} />
            </Section>
            {chosenNode !== undefined && version !== null && <NodeContacts key={chosenNode} journeyId={id} nodeId={chosenNode} version={version} />}
          </>
        )}
      </Suspense>
    </>
  );
}
