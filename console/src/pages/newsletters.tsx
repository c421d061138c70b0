import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { Link, navigate } from '../router';
import { formatTime, Pager, Problem } from '../ui';

// The newsletter list (a cursor page at a time) and one newsletter followed while it sends, with its
// pause, resume and cancel. The composer is a chunk of its own (newsletter-composer.tsx).

type Summary = paths['/v1/newsletters']['get']['responses'][200]['content']['application/json']['newsletters'][number];
type Counts = Summary['counts'];
const RUNNING = ['scheduled', 'sending', 'paused'];
const PAGE_SIZE = 20;

export function Progress({ counts, label }: { counts: Counts; label: string }) {
  const done = counts.total - counts.queued;
  const percent = counts.total === 0 ? 0 : Math.round((done / counts.total) * 100);
  return (
    <div className="progress-line">
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span style={{ width: `${percent}%` }} />
      </div>
      <span data-testid="progress-percent">{percent} %</span>
    </div>
  );
}

function skippedText(counts: Counts): string {
  return (
    Object.entries(counts.skipped)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ') || '0'
  );
}

export default function Newsletters() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors.at(-1);
  const list = useQuery({
    queryKey: ['newsletters', after],
    queryFn: async () => unwrap(await api.GET('/v1/newsletters', { params: { query: { limit: PAGE_SIZE, ...(after === undefined ? {} : { after }) } } })),
    refetchInterval: (query) => (query.state.data?.newsletters.some((n) => RUNNING.includes(n.status)) === true ? 2_000 : false),
  });
  return (
    <>
      <h1>Newsletters</h1>
      <p>
        <Link to="/newsletters/new" className="button">
          New newsletter
        </Link>
      </p>
      {list.isError && <Problem error={list.error} />}
      {list.data !== undefined && (
        <>
          <table aria-label="Newsletters">
            <thead>
              <tr>
                <th>Newsletter</th>
                <th>Status</th>
                <th>Progress</th>
                <th className="num">Sent</th>
                <th>Skipped</th>
                <th className="num">Failed</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.newsletters.map((newsletter) => (
                <tr key={newsletter.id}>
                  <td>
                    <Link to={`/newsletters/${newsletter.id}`}>{newsletter.name}</Link>
                  </td>
                  <td>
                    <span className={`status status-${newsletter.status}`}>{newsletter.status}</span>
                  </td>
                  <td>
                    <Progress counts={newsletter.counts} label={`progress of ${newsletter.name}`} />
                  </td>
                  <td className="num">{newsletter.counts.sent}</td>
                  <td>{skippedText(newsletter.counts)}</td>
                  <td className="num">{newsletter.counts.failed}</td>
                  <td>{formatTime(newsletter.createdAt)}</td>
                </tr>
              ))}
              {list.data.newsletters.length === 0 && (
                <tr>
                  <td colSpan={7} className="empty">
                    No newsletter yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <Pager
            page={cursors.length - 1}
            hasPrevious={cursors.length > 1}
            hasNext={list.data.nextCursor !== null}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={() => setCursors([...cursors, list.data.nextCursor ?? undefined])}
          />
        </>
      )}
    </>
  );
}

const STEERING = [
  { action: 'pause', label: 'Pause', when: ['scheduled', 'sending'] },
  { action: 'resume', label: 'Resume', when: ['paused'] },
  { action: 'cancel', label: 'Cancel', when: RUNNING },
] as const;

export function NewsletterDetail({ id }: { id: string }) {
  const queries = useQueryClient();
  const [steerError, setSteerError] = useState<unknown>();
  const newsletter = useQuery({
    queryKey: ['newsletter', id],
    queryFn: async () => unwrap(await api.GET('/v1/newsletters/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (RUNNING.includes(query.state.data?.status ?? '') ? 1_000 : false),
  });

  async function steer(action: (typeof STEERING)[number]['action']) {
    setSteerError(undefined);
    const path = `/v1/newsletters/{id}/${action}` as const;
    try {
      const answer = unwrap(await api.POST(path, { params: { path: { id } } }));
      queries.setQueryData(['newsletter', id], answer);
    } catch (error) {
      setSteerError(error);
    }
  }

  const data = newsletter.data;
  return (
    <>
      <p>
        <Link to="/newsletters">← Newsletters</Link>
      </p>
      {newsletter.isError && <Problem error={newsletter.error} />}
      {data !== undefined && (
        <section aria-label="Newsletter">
          <h1>
            {data.name} <span className={`status status-${data.status}`} data-testid="newsletter-status">{data.status}</span>
          </h1>
          <p className="facts">
            template {data.template} · topic {data.topic} · created {formatTime(data.createdAt)} · started {formatTime(data.startedAt)} · finished {formatTime(data.finishedAt)}
          </p>
          <Progress counts={data.counts} label="sending progress" />
          <p data-testid="newsletter-counts">
            {data.counts.total - data.counts.queued} of {data.counts.total} handled · queued {data.counts.queued} · sent {data.counts.sent} · failed {data.counts.failed} · skipped {skippedText(data.counts)}
          </p>
          <div className="actions">
            {data.status === 'draft' && (
              <button type="button" onClick={() => void sendAndOpen(id).then(() => queries.invalidateQueries({ queryKey: ['newsletter', id] }), setSteerError)}>
                Send
              </button>
            )}
            {STEERING.filter((step) => (step.when as readonly string[]).includes(data.status)).map((step) => (
              <button key={step.action} type="button" className={step.action === 'cancel' ? 'secondary' : undefined} onClick={() => void steer(step.action)}>
                {step.label}
              </button>
            ))}
          </div>
          {steerError !== undefined && <Problem error={steerError} />}
        </section>
      )}
    </>
  );
}

/** After creating a draft: send it at once and open its progress. */
export async function sendAndOpen(id: string): Promise<void> {
  unwrap(await api.POST('/v1/newsletters/{id}/send', { params: { path: { id } } }));
  navigate(`/newsletters/${id}`);
}
