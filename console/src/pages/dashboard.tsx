import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { Link } from '../router';
import { formatNumber, Problem, Section } from '../ui';

// The funnel as a plain SVG bar chart (no chart library in any bundle), over a chosen period, with
// the conversion between consecutive stages; then journeys and the latest newsletters at a glance.

type Funnel = paths['/v1/funnel']['get']['responses'][200]['content']['application/json'];

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PRESETS = [
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
] as const;

const ROW = 46;
const LABEL = 110;
const WIDTH = 720;
const COUNT = 150;

function FunnelChart({ funnel }: { funnel: Funnel }) {
  const widest = Math.max(1, ...funnel.stages.map((stage) => Math.max(stage.entered, stage.current)));
  const bar = WIDTH - LABEL - COUNT;
  const height = funnel.stages.length * ROW + 10;
  return (
    <svg className="funnel-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Funnel by stage" width="100%">
      {funnel.stages.map((stage, index) => {
        const y = index * ROW + 14;
        const conversion = index === 0 ? undefined : funnel.conversions.find((c) => c.to === stage.stage);
        const entered = (stage.entered / widest) * bar;
        const current = (stage.current / widest) * bar;
        return (
          <g key={stage.stage} data-testid={`funnel-${stage.stage}`}>
            {conversion !== undefined && (
              <text x={LABEL} y={y - 3} className="conversion" data-testid={`conversion-${conversion.from}-${conversion.to}`}>
                ↓ {conversion.rate === null ? '—' : `${formatNumber(conversion.rate * 100)} %`} from {conversion.from}
              </text>
            )}
            <text x={0} y={y + 16} className="stage">
              {stage.stage}
            </text>
            <rect x={LABEL} y={y + 2} width={Math.max(2, entered)} height={20} rx={3} className="entered">
              <title>{`${stage.entered} entered ${stage.stage} in the period`}</title>
            </rect>
            <rect x={LABEL} y={y + 24} width={Math.max(1, current)} height={6} rx={2} className="current">
              <title>{`${stage.current} in ${stage.stage} now`}</title>
            </rect>
            <text x={WIDTH - COUNT + 8} y={y + 16} className="count">
              {stage.entered} entered · {stage.current} now
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function JourneysAtAGlance() {
  const journeys = useQuery({ queryKey: ['journeys'], queryFn: async () => unwrap(await api.GET('/v1/journeys')) });
  const all = journeys.data?.journeys ?? [];
  const byStatus = new Map<string, number>();
  for (const journey of all) byStatus.set(journey.status, (byStatus.get(journey.status) ?? 0) + 1);
  return (
    <Section title="Journeys">
      {journeys.isError && <Problem error={journeys.error} />}
      <p data-testid="journeys-glance">
        {all.length} journeys:{' '}
        {[...byStatus]
          .map(([status, n]) => `${n} ${status}`)
          .join(', ') || 'none'}{' '}
        · <Link to="/journeys">all journeys</Link>
      </p>
    </Section>
  );
}

function NewslettersAtAGlance() {
  const newsletters = useQuery({ queryKey: ['newsletters', 'glance'], queryFn: async () => unwrap(await api.GET('/v1/newsletters', { params: { query: { limit: 5 } } })) });
  return (
    <Section title="Latest newsletters">
      {newsletters.isError && <Problem error={newsletters.error} />}
      <ul className="glance" data-testid="newsletters-glance">
        {newsletters.data?.newsletters.map((n) => (
          <li key={n.id}>
            <Link to={`/newsletters/${n.id}`}>{n.name}</Link> <span className={`status status-${n.status}`}>{n.status}</span> {n.counts.sent} sent of {n.counts.total}
          </li>
        ))}
        {newsletters.data?.newsletters.length === 0 && <li className="empty">None yet.</li>}
      </ul>
    </Section>
  );
}

export default function Dashboard() {
  const [period, setPeriod] = useState({ from: day(-30), to: day(1) });
  const funnel = useQuery({
    queryKey: ['funnel', period],
    queryFn: async () => unwrap(await api.GET('/v1/funnel', { params: { query: { from: `${period.from}T00:00:00Z`, to: `${period.to}T00:00:00Z` } } })),
  });

  return (
    <>
      <h1>Dashboard</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        {PRESETS.map((preset) => (
          <button key={preset.days} type="button" className="secondary" onClick={() => setPeriod({ from: day(-preset.days), to: day(1) })}>
            Last {preset.label}
          </button>
        ))}
        <label>
          From <input type="date" value={period.from} onChange={(event) => setPeriod({ ...period, from: event.target.value })} />
        </label>
        <label>
          To <input type="date" value={period.to} onChange={(event) => setPeriod({ ...period, to: event.target.value })} />
        </label>
      </form>
      {funnel.isError && <Problem error={funnel.error} />}
      {funnel.data !== undefined && (
        <figure className="funnel">
          <figcaption>Contacts who entered each stage in the period (bar), in it now (thin bar), and the conversion from the stage before</figcaption>
          <FunnelChart funnel={funnel.data} />
        </figure>
      )}
      <div className="glances">
        <JourneysAtAGlance />
        <NewslettersAtAGlance />
      </div>
    </>
  );
}
