import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { LifecycleStage } from '../../../domain/scoring/lifecycle';
import { api, unwrap } from '../api/client';
import { Link } from '../router';
import { formatNumber, formatTime, Pager, Problem } from '../ui';

const PAGE_SIZE = 25;

interface Filters {
  stage?: LifecycleStage;
  minScore?: number;
  maxScore?: number;
  trait?: string;
  activeSince?: string;
}

// Relative windows, resolved to an instant when the search is applied (the API filters by instant).
const ACTIVITY_WINDOWS = [
  { days: 1, label: 'last 24 hours' },
  { days: 7, label: 'last 7 days' },
  { days: 30, label: 'last 30 days' },
  { days: 90, label: 'last 90 days' },
] as const;

export default function Contacts() {
  const [filters, setFilters] = useState<Filters>({});
  // Cursor pagination: the cursors of the pages before this one, so Previous goes back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors.at(-1);
  const [traitError, setTraitError] = useState<string>();
  const search = useQuery({
    queryKey: ['contacts', filters, after],
    queryFn: async () => unwrap(await api.GET('/v1/contacts', { params: { query: { ...filters, limit: PAGE_SIZE, ...(after === undefined ? {} : { after }) } } })),
  });

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? '').trim();
      return value === '' ? undefined : value;
    };
    const number = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
    const trait = text('trait');
    // The API's rule for this filter (name:value), checked here so the message sits by the field.
    if (trait !== undefined && !/^[A-Za-z0-9_]+:.+$/.test(trait)) {
      setTraitError('expected name:value, e.g. country:FR');
      return;
    }
    setTraitError(undefined);
    const stage = LifecycleStage.safeParse(text('stage'));
    const activeDays = number('activeWithinDays');
    const activeSince = activeDays === undefined ? undefined : new Date(Date.now() - activeDays * 86_400_000).toISOString();
    setFilters({ stage: stage.success ? stage.data : undefined, minScore: number('minScore'), maxScore: number('maxScore'), trait, activeSince });
    setCursors([undefined]);
  }

  return (
    <>
      <h1>Contacts</h1>
      <form className="filters" onSubmit={apply} aria-label="Search contacts">
        <label>
          Stage
          <select name="stage" defaultValue="">
            <option value="">any</option>
            {LifecycleStage.options.map((stage) => (
              <option key={stage}>{stage}</option>
            ))}
          </select>
        </label>
        <label>
          Score from <input name="minScore" type="number" step="any" size={5} />
        </label>
        <label>
          to <input name="maxScore" type="number" step="any" size={5} />
        </label>
        <label>
          Trait <input name="trait" placeholder="country:FR" aria-invalid={traitError !== undefined} />
        </label>
        <label>
          Active in the
          <select name="activeWithinDays" defaultValue="">
            <option value="">any time</option>
            {ACTIVITY_WINDOWS.map((window) => (
              <option key={window.days} value={window.days}>
                {window.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
        {traitError !== undefined && <span className="field-error">{traitError}</span>}
      </form>
      {search.isError && <Problem error={search.error} />}
      {search.data !== undefined && (
        <>
          <table>
            <thead>
              <tr>
                <th>E-mail</th>
                <th>Stage</th>
                <th>Score</th>
                <th>Fit</th>
                <th>Last activity</th>
              </tr>
            </thead>
            <tbody>
              {search.data.contacts.map((contact) => (
                <tr key={contact.id}>
                  <td>
                    <Link to={`/contacts/${contact.id}`}>{contact.email ?? contact.id}</Link>
                  </td>
                  <td>{contact.stage}</td>
                  <td>{formatNumber(contact.engagement)}</td>
                  <td>{contact.fit_grade}</td>
                  <td>{formatTime(contact.last_activity_at)}</td>
                </tr>
              ))}
              {search.data.contacts.length === 0 && (
                <tr>
                  <td colSpan={5} className="empty">
                    No contact matches.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <Pager
            page={cursors.length - 1}
            hasPrevious={cursors.length > 1}
            hasNext={search.data.nextCursor !== null}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={() => setCursors([...cursors, search.data.nextCursor ?? undefined])}
          />
        </>
      )}
    </>
  );
}
