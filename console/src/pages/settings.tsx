import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, unwrap, type FieldIssue } from '../api/client';
import { formatTime, Problem, Section, usePages } from '../ui';

// Admin settings: the scoring model (publish re-scores everyone: its progress shows), the hand-off
// routing rules and reps, API keys (a new key shown once) and console users. Documents are edited
// as JSON, the server's schema being the one judge: its refusals show by the field they name.

const TABS = ['Scoring model', 'Routing and reps', 'API keys', 'Users'] as const;
type Tab = (typeof TABS)[number];

function Issues({ issues }: { issues: FieldIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="issues" aria-label="Problems">
      {issues.map((issue) => (
        <li key={`${issue.path}:${issue.message}`}>
          <code>{issue.path}</code> <span className="field-error">{issue.message}</span>
        </li>
      ))}
    </ul>
  );
}

/** A JSON document editor: parse errors here, schema errors from the server, each by its path. */
function JsonEditor(props: { label: string; value: string; onChange: (text: string) => void; issues: FieldIssue[] }) {
  let parseError: string | undefined;
  try {
    JSON.parse(props.value);
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error);
  }
  return (
    <>
      <textarea className="json" aria-label={props.label} spellCheck={false} rows={18} value={props.value} onChange={(event) => props.onChange(event.target.value)} aria-invalid={parseError !== undefined || props.issues.length > 0} />
      {parseError !== undefined && <span className="field-error">not JSON: {parseError}</span>}
      <Issues issues={props.issues} />
    </>
  );
}

function refusal(error: unknown): { issues: FieldIssue[]; failure: unknown } {
  return error instanceof ApiError && error.issues.length > 0 ? { issues: error.issues, failure: undefined } : { issues: [], failure: error };
}

function ScoringModel() {
  const model = useQuery({ queryKey: ['scoring-model'], queryFn: async () => unwrap(await api.GET('/v1/scoring-model')) });
  const [draft, setDraft] = useState<string>();
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [published, setPublished] = useState<number>();
  const rescore = useQuery({
    queryKey: ['rescore', published],
    enabled: published !== undefined,
    queryFn: async () => unwrap(await api.GET('/v1/scoring-model/rescores/{version}', { params: { path: { version: published! } } })),
    refetchInterval: (query) => (query.state.data?.status === 'running' || query.state.data === undefined ? 1_000 : false),
  });
  const text = draft ?? (model.data === undefined ? '' : JSON.stringify(model.data, null, 2));

  async function publish() {
    setIssues([]);
    setFailure(undefined);
    try {
      const answer = unwrap(await api.PUT('/v1/scoring-model', { body: JSON.parse(text) as Record<string, unknown> }));
      setPublished(answer.version);
      setDraft(undefined);
      await model.refetch();
    } catch (error) {
      const { issues, failure } = refusal(error);
      setIssues(issues);
      setFailure(failure);
    }
  }

  return (
    <Section title="Scoring model">
      {model.isError && <Problem error={model.error} />}
      <p className="hint">
        Active: {String(model.data?.['id'] ?? '…')} v{String(model.data?.['version'] ?? '…')}. Publishing makes a new version and re-scores every contact from their stored events.
      </p>
      <JsonEditor label="Scoring model JSON" value={text} onChange={setDraft} issues={issues} />
      {failure !== undefined && <Problem error={failure} />}
      <div className="actions">
        <button type="button" onClick={() => void publish()}>
          Publish
        </button>
        {draft !== undefined && (
          <button type="button" className="secondary" onClick={() => setDraft(undefined)}>
            Discard changes
          </button>
        )}
      </div>
      {rescore.data !== undefined && (
        <p data-testid="rescore-status" aria-live="polite">
          Re-score of v{rescore.data.version}: {rescore.data.status}
          {rescore.data.status === 'running' ? ` (${rescore.data.contacts} contacts to go through)` : ''}
          {rescore.data.rescored !== null ? `, ${rescore.data.rescored} of ${rescore.data.contacts} contacts re-scored` : ''}
        </p>
      )}
      {rescore.isError && <Problem error={rescore.error} />}
    </Section>
  );
}

const EXAMPLE_RULES = { territories: [], fallbackQueue: 'sales@example.com', sla: { businessHours: { timeZone: 'UTC' } } };

function RoutingAndReps() {
  const queries = useQueryClient();
  const rules = useQuery({
    queryKey: ['routing-rules'],
    queryFn: async () => {
      const result = await api.GET('/v1/handoff/routing-rules');
      // No rules yet is a 404: the editor starts from an example.
      return result.response.status === 404 ? null : unwrap(result);
    },
  });
  const reps = useQuery({ queryKey: ['reps'], queryFn: async () => unwrap(await api.GET('/v1/sales/reps')).reps });
  const [draft, setDraft] = useState<string>();
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  const [repIssues, setRepIssues] = useState<FieldIssue[]>([]);
  const [repFailure, setRepFailure] = useState<unknown>();
  const { visible, pager } = usePages(reps.data ?? [], 20);
  const text = draft ?? (rules.data === undefined ? '' : JSON.stringify(rules.data?.rules ?? EXAMPLE_RULES, null, 2));

  async function save() {
    setIssues([]);
    setFailure(undefined);
    try {
      const answer = unwrap(await api.PUT('/v1/handoff/routing-rules', { body: JSON.parse(text) as never }));
      setSaved(answer.version);
      setDraft(undefined);
      await rules.refetch();
    } catch (error) {
      const r = refusal(error);
      setIssues(r.issues);
      setFailure(r.failure);
    }
  }

  async function saveRep(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    setRepIssues([]);
    setRepFailure(undefined);
    try {
      unwrap(
        await api.PUT('/v1/sales/reps/{email}', {
          params: { path: { email: field('email') } },
          body: { name: field('name'), capacity: Number(field('capacity')), territories: field('territories') === '' ? [] : field('territories').split(',').map((t) => t.trim()), available: form.get('available') === 'on' },
        }),
      );
      await queries.invalidateQueries({ queryKey: ['reps'] });
    } catch (error) {
      const r = refusal(error);
      setRepIssues(r.issues);
      setRepFailure(r.failure);
    }
  }

  return (
    <>
      <Section title="Routing rules">
        {rules.isError && <Problem error={rules.error} />}
        <p className="hint">{rules.data === null ? 'No routing rules yet: this is an example to start from.' : `In force: version ${rules.data?.version ?? '…'}.`}</p>
        <JsonEditor label="Routing rules JSON" value={text} onChange={setDraft} issues={issues} />
        {failure !== undefined && <Problem error={failure} />}
        <div className="actions">
          <button type="button" onClick={() => void save()}>
            Save routing rules
          </button>
          {saved !== undefined && <span>Saved as version {saved}.</span>}
        </div>
      </Section>
      <Section title="Sales reps">
        {reps.isError && <Problem error={reps.error} />}
        <table aria-label="Sales reps">
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Name</th>
              <th>Territories</th>
              <th className="num">Open leads / capacity</th>
              <th>Available</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((rep) => (
              <tr key={rep.email}>
                <td>{rep.email}</td>
                <td>{rep.name}</td>
                <td>{rep.territories.join(', ') || '—'}</td>
                <td className="num">
                  {rep.openLeads} / {rep.capacity}
                </td>
                <td>{rep.available ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {pager}
        <form className="filters" onSubmit={(event) => void saveRep(event)} aria-label="Add or change a rep">
          <label>
            E-mail <input name="email" type="email" />
          </label>
          <label>
            Name <input name="name" />
          </label>
          <label>
            Territories <input name="territories" placeholder="fr, de" />
          </label>
          <label>
            Capacity <input name="capacity" type="number" min={0} defaultValue={10} size={4} />
          </label>
          <label className="inline">
            <input name="available" type="checkbox" defaultChecked /> available
          </label>
          <button type="submit">Save rep</button>
        </form>
        <Issues issues={repIssues} />
        {repFailure !== undefined && <Problem error={repFailure} />}
      </Section>
    </>
  );
}

function ApiKeys() {
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: async () => unwrap(await api.GET('/v1/api-keys')).keys });
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const { visible, pager } = usePages(keys.data ?? [], 20);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    setIssues([]);
    setFailure(undefined);
    try {
      const role = field('role') as 'write' | 'admin' | 'sales' | 'shop';
      const answer = unwrap(
        await api.POST('/v1/api-keys', {
          body: { name: field('name'), role, ...(field('owner') === '' ? {} : { owner: field('owner') }), ...(field('origins') === '' ? {} : { allowedOrigins: field('origins').split(',').map((o) => o.trim()) }) },
        }),
      );
      setCreated({ name: answer.name, key: answer.key });
      await keys.refetch();
    } catch (error) {
      const r = refusal(error);
      setIssues(r.issues);
      setFailure(r.failure);
    }
  }

  async function revoke(id: string) {
    setFailure(undefined);
    try {
      unwrap(await api.POST('/v1/api-keys/{id}/revoke', { params: { path: { id } } }));
      await keys.refetch();
    } catch (error) {
      setFailure(error);
    }
  }

  return (
    <Section title="API keys">
      {keys.isError && <Problem error={keys.error} />}
      {created !== undefined && (
        <p className="secret" role="status">
          Key {created.name}: <code data-testid="new-key">{created.key}</code> — copy it now, it is not shown again (only its hash is stored).
        </p>
      )}
      <table aria-label="API keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Prefix</th>
            <th>Owner</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {visible.map((key) => (
            <tr key={key.id} className={key.revokedAt === null ? undefined : 'muted'}>
              <td>{key.name}</td>
              <td>{key.role}</td>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td>{key.owner ?? '—'}</td>
              <td>{formatTime(key.createdAt)}</td>
              <td>{formatTime(key.lastUsedAt)}</td>
              <td>
                {key.revokedAt === null ? (
                  <button type="button" className="secondary" onClick={() => void revoke(key.id)}>
                    Revoke
                  </button>
                ) : (
                  `revoked ${formatTime(key.revokedAt)}`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager}
      <form className="filters" onSubmit={(event) => void create(event)} aria-label="Create an API key">
        <label>
          Key name <input name="name" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="write">
            <option>write</option>
            <option>admin</option>
            <option>sales</option>
            <option>shop</option>
          </select>
        </label>
        <label>
          Owner (sales) <input name="owner" />
        </label>
        <label>
          Browser origins (write) <input name="origins" placeholder="https://shop.example" />
        </label>
        <button type="submit">Create key</button>
      </form>
      <Issues issues={issues} />
      {failure !== undefined && <Problem error={failure} />}
    </Section>
  );
}

function Users() {
  const users = useQuery({ queryKey: ['console-users'], queryFn: async () => unwrap(await api.GET('/console/api/users')).users });
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const { visible, pager } = usePages(users.data ?? [], 20);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '');
    setIssues([]);
    setFailure(undefined);
    try {
      unwrap(await api.POST('/console/api/users', { body: { email: field('email').trim(), role: field('role') as 'admin' | 'marketer' | 'sales', password: field('password') } }));
      await users.refetch();
    } catch (error) {
      const r = refusal(error);
      setIssues(r.issues);
      setFailure(r.failure);
    }
  }

  async function disable(email: string) {
    setFailure(undefined);
    try {
      unwrap(await api.POST('/console/api/users/{email}/disable', { params: { path: { email } } }));
      await users.refetch();
    } catch (error) {
      setFailure(error);
    }
  }

  return (
    <Section title="Users">
      {users.isError && <Problem error={users.error} />}
      <table aria-label="Console users">
        <thead>
          <tr>
            <th>E-mail</th>
            <th>Role</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {visible.map((user) => (
            <tr key={user.id} className={user.disabledAt === null ? undefined : 'muted'}>
              <td>{user.email}</td>
              <td>{user.role}</td>
              <td>{formatTime(user.createdAt)}</td>
              <td>
                {user.disabledAt === null ? (
                  <button type="button" className="secondary" onClick={() => void disable(user.email)}>
                    Disable
                  </button>
                ) : (
                  `disabled ${formatTime(user.disabledAt)}`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager}
      <form className="filters" onSubmit={(event) => void create(event)} aria-label="Create a user">
        <label>
          User e-mail <input name="email" type="email" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="marketer">
            <option>admin</option>
            <option>marketer</option>
            <option>sales</option>
          </select>
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="new-password" />
        </label>
        <button type="submit">Create user</button>
      </form>
      <Issues issues={issues} />
      {failure !== undefined && <Problem error={failure} />}
    </Section>
  );
}

export default function Settings() {
  const [tab, setTab] = useState<Tab>('Scoring model');
  const panels: Record<Tab, ReactNode> = { 'Scoring model': <ScoringModel />, 'Routing and reps': <RoutingAndReps />, 'API keys': <ApiKeys />, Users: <Users /> };
  return (
    <>
      <h1>Settings</h1>
      <div className="tabs" role="tablist">
        {TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? undefined : 'secondary'} onClick={() => setTab(name)}>
            {name}
          </button>
        ))}
      </div>
      {panels[tab]}
    </>
  );
}
