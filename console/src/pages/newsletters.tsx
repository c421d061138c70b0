import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { formatTime, Problem } from '../ui';

// The API has no list of newsletters yet (GET /v1/newsletters/:id only): the screen opens one by
// its id and follows its progress, refreshed every two seconds while it sends.

export default function Newsletters() {
  const [id, setId] = useState<string>();
  const [idError, setIdError] = useState<string>();
  const newsletter = useQuery({
    queryKey: ['newsletter', id],
    enabled: id !== undefined,
    queryFn: async () => unwrap(await api.GET('/v1/newsletters/{id}', { params: { path: { id: id! } } })),
    refetchInterval: (query) => (['scheduled', 'sending', 'paused'].includes(query.state.data?.status ?? '') ? 2_000 : false),
  });

  function open(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('id') ?? '').trim();
    if (!/^[0-9a-f-]{36}$/i.test(value)) {
      setIdError('expected the newsletter id (a UUID) the API answered on creation');
      return;
    }
    setIdError(undefined);
    setId(value);
  }

  const data = newsletter.data;
  const counts = data?.counts;
  const total = counts?.total ?? 0;
  const done = total - (counts?.queued ?? 0);
  return (
    <>
      <h1>Newsletters</h1>
      <form className="filters" onSubmit={open}>
        <label>
          Newsletter id <input name="id" size={38} aria-invalid={idError !== undefined} />
        </label>
        <button type="submit">Open</button>
        {idError !== undefined && <span className="field-error">{idError}</span>}
      </form>
      {newsletter.isError && <Problem error={newsletter.error} />}
      {data !== undefined && (
        <section aria-label="Newsletter">
          <h2>
            {data.name} <span className={`status status-${data.status}`}>{data.status}</span>
          </h2>
          <p className="facts">
            template {data.template} · topic {data.topic} · created {formatTime(data.createdAt)} · started {formatTime(data.startedAt)} · finished {formatTime(data.finishedAt)}
          </p>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
            <span style={{ width: `${total === 0 ? 0 : (done / total) * 100}%` }} />
          </div>
          <p>
            {done} of {total} handled · sent {counts?.sent ?? 0} · failed {counts?.failed ?? 0} · skipped{' '}
            {Object.entries(counts?.skipped ?? {})
              .map(([reason, n]) => `${reason} ${n}`)
              .join(', ') || '0'}
          </p>
        </section>
      )}
    </>
  );
}
