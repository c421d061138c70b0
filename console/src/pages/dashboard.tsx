import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { formatNumber, Problem } from '../ui';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export default function Dashboard() {
  const [period, setPeriod] = useState({ from: day(-30), to: day(1) });
  const funnel = useQuery({
    queryKey: ['funnel', period],
    queryFn: async () => unwrap(await api.GET('/v1/funnel', { params: { query: { from: `${period.from}T00:00:00Z`, to: `${period.to}T00:00:00Z` } } })),
  });
  const widest = Math.max(1, ...(funnel.data?.stages.map((stage) => Math.max(stage.entered, stage.current)) ?? []));

  return (
    <>
      <h1>Dashboard</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          From <input type="date" value={period.from} onChange={(event) => setPeriod({ ...period, from: event.target.value })} />
        </label>
        <label>
          To <input type="date" value={period.to} onChange={(event) => setPeriod({ ...period, to: event.target.value })} />
        </label>
      </form>
      {funnel.isError && <Problem error={funnel.error} />}
      {funnel.data !== undefined && (
        <figure className="funnel" aria-label="Funnel by stage">
          <figcaption>Contacts who entered each stage in the period (bar), and in it now</figcaption>
          {funnel.data.stages.map((stage, index) => {
            const conversion = index === 0 ? undefined : funnel.data.conversions.find((c) => c.to === stage.stage);
            return (
              <div key={stage.stage}>
                {conversion !== undefined && (
                  <div className="conversion" data-testid={`conversion-${conversion.from}-${conversion.to}`}>
                    ↓ {conversion.rate === null ? '—' : `${formatNumber(conversion.rate * 100)} %`} from {conversion.from}
                  </div>
                )}
                <div className="funnel-row" data-testid={`funnel-${stage.stage}`}>
                  <span className="stage">{stage.stage}</span>
                  <span className="bar" style={{ width: `${(stage.entered / widest) * 100}%` }} />
                  <span className="count">
                    {stage.entered} entered · {stage.current} now
                  </span>
                </div>
              </div>
            );
          })}
        </figure>
      )}
    </>
  );
}
