import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { Link, navigate } from '../router';
import { formatTime, Problem, Section, usePages } from '../ui';
import type { EditorProblem } from './template-editor';

// CodeMirror loads only when a template is opened.
const TemplateEditor = lazy(() => import('./template-editor'));

const STARTER = `---
subject: Hello {{ contact.firstName | default: "there" }}
category: marketing
topic: newsletter
---
<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Write your e-mail here.</mj-text>
      </mj-column>
    </mj-section>
    <mj-include path="./partials/footer.mjml" />
  </mj-body>
</mjml>
`;
const PARTIAL_STARTER = `<mj-section>
  <mj-column>
    <mj-text>A block to include in e-mails.</mj-text>
  </mj-column>
</mj-section>
`;
const SAMPLE_DATA = '{\n  "contact": { "firstName": "Ada", "company": "Acme" }\n}';

export default function Templates({ name }: { name?: string }) {
  return name === undefined ? <TemplateList /> : <TemplateScreen key={name} name={name} />;
}

function TemplateList() {
  const templates = useQuery({ queryKey: ['templates'], queryFn: async () => unwrap(await api.GET('/v1/templates', { params: { query: {} } })) });
  const { visible, pager } = usePages(templates.data?.templates ?? [], 30);
  const [error, setError] = useState<unknown>();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const kind = form.get('kind') === 'partial' ? 'partial' : 'email';
    try {
      const created = unwrap(await api.POST('/v1/templates', { body: { name: String(form.get('name') ?? '').trim(), kind, source: kind === 'partial' ? PARTIAL_STARTER : STARTER } }));
      navigate(`/templates/${encodeURIComponent(created.name)}`);
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <>
      <h1>Templates</h1>
      <form className="filters" onSubmit={(event) => void create(event)}>
        <label>
          New template <input name="name" placeholder="spring-offer" aria-invalid={error instanceof ApiError && error.field('name') !== undefined} />
        </label>
        <select name="kind" aria-label="Kind">
          <option value="email">e-mail</option>
          <option value="partial">partial</option>
        </select>
        <button type="submit">Create</button>
      </form>
      {error !== undefined && <Problem error={error} />}
      {templates.isError && <Problem error={templates.error} />}
      <table>
        <thead>
          <tr>
            <th>Template</th>
            <th>Kind</th>
            <th>Published</th>
            <th>Draft</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((template) => (
            <tr key={template.name}>
              <td>
                <Link to={`/templates/${encodeURIComponent(template.name)}`}>{template.name}</Link>
                {template.builtIn && <span className="status">built-in</span>}
              </td>
              <td>{template.kind}</td>
              <td>{template.publishedVersion === null ? 'not published' : `v${template.publishedVersion}`}</td>
              <td>{template.draftChanged ? <span className="status status-draft">changed</span> : '—'}</td>
              <td>{formatTime(template.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager}
    </>
  );
}

interface Rendered {
  subject: string;
  html: string;
  text: string;
}

/** The source in the editor, checked and rendered by the server half a second after the last keystroke. */
function useLiveCheck(name: string, source: string | undefined, sample: { data: string; contactId: string }) {
  const [problems, setProblems] = useState<EditorProblem[]>([]);
  const [preview, setPreview] = useState<{ rendered?: Rendered; error?: string }>({});
  useEffect(() => {
    if (source === undefined) return;
    let current = true;
    const timer = setTimeout(() => {
      void (async () => {
        const report = await api.POST('/v1/templates/{name}/validate', { params: { path: { name } }, body: { source } });
        if (current && report.data !== undefined) setProblems(report.data.problems);
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(sample.data || '{}') as Record<string, unknown>;
        } catch {
          if (current) setPreview({ error: 'sample data is not JSON' });
          return;
        }
        const contactId = sample.contactId.trim();
        const rendered = await api.POST('/v1/templates/{name}/preview', { params: { path: { name } }, body: { source, data, ...(contactId === '' ? {} : { contactId }) } });
        if (!current) return;
        if (rendered.data !== undefined) setPreview({ rendered: rendered.data });
        else setPreview({ error: (rendered.error as { message?: string } | undefined)?.message ?? 'the preview failed' });
      })();
    }, 500);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [name, source, sample.data, sample.contactId]);
  return { problems, setProblems, preview };
}

function TemplateScreen({ name }: { name: string }) {
  const queries = useQueryClient();
  const template = useQuery({ queryKey: ['template', name], queryFn: async () => unwrap(await api.GET('/v1/templates/{name}', { params: { path: { name } } })) });
  const versions = useQuery({ queryKey: ['template-versions', name], queryFn: async () => unwrap(await api.GET('/v1/templates/{name}/versions', { params: { path: { name } } })) });
  const [source, setSource] = useState<string>();
  const [sample, setSample] = useState({ data: SAMPLE_DATA, contactId: '' });
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const { problems, setProblems, preview } = useLiveCheck(name, source, sample);

  useEffect(() => {
    if (template.data !== undefined && source === undefined) setSource(template.data.draft);
  }, [template.data, source]);

  if (template.isError) return <Problem error={template.error} />;
  if (template.data === undefined || source === undefined) return <p className="loading">Loading…</p>;
  const data = template.data;
  const editable = !data.builtIn && data.archivedAt === null;

  async function act(action: () => Promise<string>) {
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await action());
    } catch (failure) {
      setError(failure);
    }
    await queries.invalidateQueries({ queryKey: ['template', name] });
    await queries.invalidateQueries({ queryKey: ['template-versions', name] });
    await queries.invalidateQueries({ queryKey: ['templates'] });
  }

  const save = () =>
    act(async () => {
      const saved = unwrap(await api.PUT('/v1/templates/{name}/draft', { params: { path: { name } }, body: { source } }));
      setProblems(saved.problems);
      return saved.valid ? 'Draft saved.' : `Draft saved, with ${saved.problems.length} problem(s) to fix before publishing.`;
    });

  const publish = () =>
    act(async () => {
      unwrap(await api.PUT('/v1/templates/{name}/draft', { params: { path: { name } }, body: { source } }));
      const result = await api.POST('/v1/templates/{name}/publish', { params: { path: { name } } });
      if (result.error !== undefined && 'problems' in result.error) setProblems(result.error.problems);
      const published = unwrap(result);
      return `Published version ${published.version}.`;
    });

  function copy(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const copyName = String(new FormData(event.currentTarget).get('copy') ?? '').trim();
    void act(async () => {
      const created = unwrap(await api.POST('/v1/templates/{name}/copy', { params: { path: { name } }, body: { name: copyName } }));
      navigate(`/templates/${encodeURIComponent(created.name)}`);
      return `Copied to ${created.name}.`;
    });
  }

  function testSend(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const to = String(new FormData(event.currentTarget).get('to') ?? '').trim();
    void act(async () => {
      let sampleData: Record<string, unknown> = {};
      try {
        sampleData = JSON.parse(sample.data || '{}') as Record<string, unknown>;
      } catch {
        throw new Error('sample data is not JSON');
      }
      const contactId = sample.contactId.trim();
      const sent = unwrap(await api.POST('/v1/templates/{name}/test-send', { params: { path: { name } }, body: { to, source, data: sampleData, ...(contactId === '' ? {} : { contactId }) } }));
      return `Test sent to ${sent.to}: “${sent.subject}”.`;
    });
  }

  return (
    <>
      <p>
        <Link to="/templates">← Templates</Link>
      </p>
      <h1>
        {data.name} {data.builtIn && <span className="status">built-in</span>}
        {data.archivedAt !== null && <span className="status">archived</span>}
      </h1>
      <p className="facts">
        {data.kind} · {data.publishedVersion === null ? 'not published' : <span data-testid="published-version">published v{data.publishedVersion}</span>} · updated {formatTime(data.updatedAt)}
      </p>
      {notice !== undefined && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <Problem error={error} />}
      <div className="template-workspace">
        <div>
          <Suspense fallback={<p className="loading">Loading the editor…</p>}>
            <TemplateEditor value={source} readOnly={!editable} problems={problems} onChange={setSource} />
          </Suspense>
          <div className="filters">
            {editable ? (
              <>
                <button type="button" className="secondary" onClick={() => void save()}>
                  Save draft
                </button>
                <button type="button" onClick={() => void publish()}>
                  Publish
                </button>
              </>
            ) : (
              <form className="filters" onSubmit={copy}>
                <label>
                  Copy as <input name="copy" defaultValue={`${data.name}-copy`} />
                </label>
                <button type="submit">Copy</button>
              </form>
            )}
          </div>
          <Section title="Problems">
            {problems.length === 0 ? (
              <p className="facts">None: this draft can be published.</p>
            ) : (
              <ul className="problems" aria-label="Problems">
                {problems.map((problem, index) => (
                  <li key={index}>{problem.line === undefined ? problem.reason : `line ${problem.line}: ${problem.reason}`}</li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Versions">
            <ul aria-label="Versions">
              {(versions.data?.versions ?? []).map((version) => (
                <li key={version.version}>
                  v{version.version} · {formatTime(version.publishedAt)} · {version.publishedBy}
                </li>
              ))}
            </ul>
          </Section>
        </div>
        <div>
          <Section title="Preview">
            <div className="filters">
              <label>
                Contact id <input value={sample.contactId} size={36} onChange={(event) => setSample({ ...sample, contactId: event.target.value })} />
              </label>
            </div>
            <label>
              Sample data (JSON)
              <textarea className="sample-data" rows={4} value={sample.data} onChange={(event) => setSample({ ...sample, data: event.target.value })} />
            </label>
            {preview.error !== undefined && (
              <p className="error" role="alert" data-testid="preview-error">
                {preview.error}
              </p>
            )}
            {preview.rendered !== undefined && (
              <>
                <p>
                  Subject: <strong data-testid="preview-subject">{preview.rendered.subject}</strong>
                </p>
                {/* No scripts, no same origin: a template's HTML cannot reach the console. */}
                <iframe title="HTML preview" sandbox="" className="template-preview" srcDoc={preview.rendered.html} />
                <pre className="template-text" data-testid="preview-text">
                  {preview.rendered.text}
                </pre>
              </>
            )}
          </Section>
          <Section title="Test send">
            <form className="filters" onSubmit={testSend}>
              <label>
                To <input name="to" type="email" placeholder="you@example.com" />
              </label>
              <button type="submit" className="secondary">
                Send test
              </button>
            </form>
          </Section>
        </div>
      </div>
    </>
  );
}
