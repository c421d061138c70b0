import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { emptyDefinition } from '../../../domain/journeys/editing';
import { api, ApiError, unwrap } from '../api/client';
import { Link, navigate } from '../router';
import { formatTime, Problem, usePages } from '../ui';

/** A new draft: from nothing (the entry straight to an exit, built up in the editor) or a copy of a built-in template. */
function NewJourney() {
  const templates = useQuery({ queryKey: ['journey-templates'], queryFn: async () => unwrap(await api.GET('/v1/journey-templates')) });
  const [error, setError] = useState<unknown>();
  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const [id, name, template] = [value('id'), value('name'), value('template')];
    setError(undefined);
    try {
      const body = template === '' ? { definition: emptyDefinition(id, name, value('entryEvent')) } : { fromTemplate: template, id, name };
      const created = unwrap(await api.POST('/v1/journeys', { body }));
      navigate(`/journeys/${encodeURIComponent(created.id)}`);
    } catch (problem) {
      setError(problem);
    }
  }
  const field = (path: string) => (error instanceof ApiError ? error.issues.find((issue) => issue.path === path || issue.path.startsWith(`definition.${path}`))?.message : undefined);
  return (
    <form className="filters" aria-label="New journey" onSubmit={create}>
      <label>
        Start from
        <select name="template" defaultValue="">
          <option value="">nothing (entry → exit)</option>
          {(templates.data?.templates ?? []).map((template) => (
            <option key={template.name} value={template.name}>
              copy of {template.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        Journey id <input name="id" required placeholder="welcome-flow" aria-invalid={field('id') !== undefined} />
        {field('id') !== undefined && <span className="field-error">{field('id')}</span>}
      </label>
      <label>
        Name <input name="name" required placeholder="Welcome flow" />
      </label>
      <label>
        Entry event <input name="entryEvent" placeholder="signed_up" defaultValue="signed_up" />
      </label>
      <button type="submit">Create journey</button>
      {error !== undefined && <Problem error={error} />}
    </form>
  );
}

export default function Journeys() {
  const journeys = useQuery({ queryKey: ['journeys'], queryFn: async () => unwrap(await api.GET('/v1/journeys')), refetchInterval: 5_000 });
  const { visible, pager } = usePages(journeys.data?.journeys ?? [], 20);
  return (
    <>
      <h1>Journeys</h1>
      <NewJourney />
      {journeys.isError && <Problem error={journeys.error} />}
      <table>
        <thead>
          <tr>
            <th>Journey</th>
            <th>Status</th>
            <th>Version</th>
            <th>Entered</th>
            <th>In flight</th>
            <th>Goal</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((journey) => (
            <tr key={journey.id}>
              <td>
                <Link to={`/journeys/${encodeURIComponent(journey.id)}`}>{journey.name}</Link>
              </td>
              <td>
                <span className={`status status-${journey.status}`}>{journey.status}</span>
              </td>
              <td>{journey.activeVersion === null ? 'draft only' : `v${journey.activeVersion}`}</td>
              <td>{journey.runs.entered}</td>
              <td data-testid={`in-flight-${journey.id}`}>{journey.runs.inFlight}</td>
              <td>{journey.runs.exitedByGoal}</td>
              <td>{formatTime(journey.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager}
    </>
  );
}
