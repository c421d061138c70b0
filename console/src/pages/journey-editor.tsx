import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { JourneyNode, type JourneyNodeType } from '../../../domain/journeys/definition';
import { ENTRY_ID, insertOnEdge, newNode, removeNode, successorSlots, type RawDefinition, type RawNode } from '../../../domain/journeys/editing';
import { JOURNEY_LEVEL, validateJourneyDefinition } from '../../../domain/journeys/graph';
import { api, ApiError, unwrap } from '../api/client';
import { Problem } from '../ui';
import DryRunPanel from './journey-dry-run';
import JourneyGraph, { type EdgeChoice, type NodeCounts } from './journey-graph';

const NODE_TYPES = JourneyNode.options.map((option) => option.shape.type.value) as JourneyNodeType[];
const SUCCESSOR_FIELDS = new Set(['next', 'onTimeout', 'default']);

interface Issue {
  nodeId: string;
  field?: string | undefined;
  reason: string;
}

/** The server's refusal of a draft as issues by node (the route adds nodeId and field to each). */
function serverIssues(error: unknown): Issue[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues.map((issue) => {
    const detailed = issue as typeof issue & { nodeId?: string; field?: string };
    return { nodeId: detailed.nodeId ?? JOURNEY_LEVEL, field: detailed.field, reason: issue.message };
  });
}

const JOURNEY_FIELDS = ['name', 'entry', 'exits', 'start', 'entryKey'];

/** Issues at `path` itself or below it where no input of their own is drawn. */
function issuesAt(issues: readonly Issue[], path: string, drawn: readonly string[] = []): Issue[] {
  return issues.filter((issue) => {
    if (issue.field === path) return true;
    if (issue.field === undefined || !issue.field.startsWith(`${path}.`)) return false;
    const child = issue.field.slice(path.length + 1).split('.')[0]!;
    return !drawn.includes(child);
  });
}

/**
 * One field of a node (or of the journey), named by its path (`wait.duration`): a text, number or
 * yes/no input for plain values, a group of fields for an object, JSON for a list. The reason of an
 * issue on the field sits next to it.
 */
function FieldInput(props: { path: string; value: unknown; nodeIds: string[]; issues: readonly Issue[]; onChange: (value: unknown) => void }) {
  const { path, value, nodeIds, issues, onChange } = props;
  const name = path.split('.').at(-1)!;
  const [json, setJson] = useState(() => JSON.stringify(value, null, 2));
  const [jsonError, setJsonError] = useState<string>();
  const id = `field-${path}`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    return (
      <fieldset className="panel-group">
        <legend>{name}</legend>
        {entries.map(([key, child]) => (
          <FieldInput key={key} path={`${path}.${key}`} value={child} nodeIds={nodeIds} issues={issues} onChange={(next) => onChange({ ...(value as Record<string, unknown>), [key]: next })} />
        ))}
        {issuesAt(issues, path, entries.map(([key]) => key)).map((issue) => (
          <span key={issue.reason} className="field-error">
            {issue.reason}
          </span>
        ))}
      </fieldset>
    );
  }
  const problems = [...issuesAt(issues, path).map((issue) => issue.reason), ...(jsonError === undefined ? [] : [jsonError])];
  const invalid = problems.length > 0;
  let input;
  if (SUCCESSOR_FIELDS.has(name) || path === 'start') {
    input = (
      <select id={id} value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.target.value)} aria-invalid={invalid}>
        {nodeIds.map((node) => (
          <option key={node}>{node}</option>
        ))}
      </select>
    );
  } else if (typeof value === 'string') {
    input = <input id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-invalid={invalid} />;
  } else if (typeof value === 'number') {
    input = <input id={id} type="number" step="any" value={value} onChange={(event) => onChange(Number(event.target.value))} aria-invalid={invalid} />;
  } else if (typeof value === 'boolean') {
    input = <input id={id} type="checkbox" checked={value} onChange={(event) => onChange(event.target.checked)} />;
  } else {
    input = (
      <textarea
        id={id}
        className="json"
        rows={Math.min(10, json.split('\n').length + 1)}
        value={json}
        aria-invalid={invalid}
        onChange={(event) => {
          setJson(event.target.value);
          try {
            onChange(JSON.parse(event.target.value));
            setJsonError(undefined);
          } catch (problem) {
            setJsonError(`not JSON yet: ${(problem as Error).message}`);
          }
        }}
      />
    );
  }
  return (
    <label htmlFor={id} className="panel-field">
      {name}
      {input}
      {problems.map((problem) => (
        <span key={problem} className="field-error">
          {problem}
        </span>
      ))}
    </label>
  );
}

/** Where the next node goes: on a chosen edge, with a type and an id the marketer picks. */
function InsertForm({ edge, existing, onInsert }: { edge: EdgeChoice; existing: Set<string>; onInsert: (type: JourneyNodeType, id: string) => void }) {
  const [type, setType] = useState<JourneyNodeType>('send_email');
  const [id, setId] = useState('');
  const problem = id === '' ? undefined : !/^[a-z][a-z0-9_]*$/.test(id) ? 'lower case letters, digits and _, starting with a letter' : existing.has(id) ? 'a node of that id exists' : undefined;
  return (
    <form
      className="insert-node"
      aria-label="Insert a node"
      onSubmit={(event) => {
        event.preventDefault();
        if (id !== '' && problem === undefined) onInsert(type, id);
      }}
    >
      <p>
        Insert a node between <strong>{edge.source === ENTRY_ID ? 'the entry' : edge.source}</strong> and <strong>{edge.target}</strong>
      </p>
      <label>
        Node type
        <select value={type} onChange={(event) => setType(event.target.value as JourneyNodeType)}>
          {NODE_TYPES.filter((candidate) => candidate !== 'exit').map((candidate) => (
            <option key={candidate}>{candidate}</option>
          ))}
        </select>
      </label>
      <label>
        Node id
        <input value={id} onChange={(event) => setId(event.target.value.trim())} aria-invalid={problem !== undefined} />
        {problem !== undefined && <span className="field-error">{problem}</span>}
      </label>
      <button type="submit" disabled={id === '' || problem !== undefined}>
        Insert
      </button>
    </form>
  );
}

type Policy = 'finish_on_old' | 'move_to_new';

/** Publishing: the in-flight policy, and where the contacts in flight would go, read before the button is pressed. */
function PublishPanel({ journeyId, onPublished }: { journeyId: string; onPublished: (message: string) => void }) {
  const [policy, setPolicy] = useState<Policy>('finish_on_old');
  const [preview, setPreview] = useState<Awaited<ReturnType<typeof loadPreview>>>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function loadPreview() {
    return unwrap(await api.GET('/v1/journeys/{id}/preview-migration', { params: { path: { id: journeyId }, query: {} } }));
  }
  return (
    <section className="publish" aria-label="Publish">
      <h3>Publish the draft</h3>
      <label>
        Contacts already in the journey
        <select value={policy} onChange={(event) => setPolicy(event.target.value as Policy)}>
          <option value="finish_on_old">finish on their version</option>
          <option value="move_to_new">move to the new version</option>
        </select>
      </label>
      <button
        type="button"
        onClick={async () => {
          setError(undefined);
          try {
            setPreview(await loadPreview());
          } catch (problem) {
            setError(problem);
          }
        }}
      >
        Preview migration
      </button>
      {preview !== undefined && (
        <table aria-label="Migration preview">
          <thead>
            <tr>
              <th>Version</th>
              <th>Node</th>
              <th>Contacts</th>
              <th>{policy === 'move_to_new' ? 'Moves to' : 'Would move to (with "move")'}</th>
            </tr>
          </thead>
          <tbody>
            {preview.versions.flatMap((version) =>
              version.nodes.map((node) => (
                <tr key={`${version.version}:${node.nodeId}`} data-testid="migration-row">
                  <td>v{version.version}</td>
                  <td>{node.nodeId ?? '(starting)'}</td>
                  <td>{node.contacts}</td>
                  <td>{node.movesTo ?? 'stays (no such node in the draft)'}</td>
                </tr>
              )),
            )}
            {preview.versions.every((version) => version.nodes.length === 0) && (
              <tr>
                <td colSpan={4}>Nobody is in the journey now.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <button
        type="button"
        className="primary"
        disabled={preview === undefined || busy}
        title={preview === undefined ? 'preview the migration first' : undefined}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const published = unwrap(await api.POST('/v1/journeys/{id}/publish', { params: { path: { id: journeyId } }, body: { inFlightPolicy: policy } }));
            onPublished(`Published version ${published.version}${published.movedRuns > 0 ? `; ${published.movedRuns} contact(s) moved to it` : ''}.`);
            setPreview(undefined);
          } catch (problem) {
            setError(problem);
          } finally {
            setBusy(false);
          }
        }}
      >
        Publish
      </button>
      {error !== undefined && <Problem error={error} />}
    </section>
  );
}

/**
 * The draft of a journey, edited on its graph: choose a node to edit it in the side panel, an edge
 * (or the "insert after" buttons) to add a node there. The same validation as the server runs as the
 * marketer types (`validateJourneyDefinition` from domain/), and its problems sit on their node.
 */
export default function JourneyEditor({ journeyId, initial }: { journeyId: string; initial: RawDefinition }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<RawDefinition>(initial);
  const [selected, setSelected] = useState<string>(ENTRY_ID);
  const [edge, setEdge] = useState<EdgeChoice>();
  const [saved, setSaved] = useState<string>();
  const [saveError, setSaveError] = useState<unknown>();
  const [panelError, setPanelError] = useState<string>();
  // A remount per node resets the inputs' local JSON text when another node is chosen.
  const [revision, setRevision] = useState(0);
  const [dryRun, setDryRun] = useState<NodeCounts>();

  const issues: Issue[] = useMemo(() => {
    const local = validateJourneyDefinition(draft);
    const found = local.ok ? [] : local.issues;
    return [...found, ...serverIssues(saveError)];
  }, [draft, saveError]);
  const invalid = useMemo(() => new Set(issues.map((issue) => issue.nodeId)), [issues]);
  const nodes = draft.nodes ?? {};
  const nodeIds = Object.keys(nodes);

  function change(next: RawDefinition) {
    setDraft(next);
    setDryRun(undefined);
    setSaved(undefined);
    setSaveError(undefined);
  }

  function insert(type: JourneyNodeType, id: string) {
    if (edge === undefined) return;
    try {
      change(insertOnEdge(draft, edge.source, edge.path, id, newNode(type, edge.target)));
      setEdge(undefined);
      setSelected(id);
      setRevision((n) => n + 1);
    } catch (problem) {
      setPanelError((problem as Error).message);
    }
  }

  const node: RawNode | undefined = selected === ENTRY_ID ? undefined : nodes[selected];
  const nodeIssues = issues.filter((issue) => issue.nodeId === (node === undefined ? JOURNEY_LEVEL : selected));
  const drawnFields = node === undefined ? JOURNEY_FIELDS.filter((field) => field in draft || field !== 'entryKey') : Object.keys(node);
  // Issues no input shows: of the node as a whole, or of a field it does not have yet.
  const unplaced = nodeIssues.filter((issue) => issue.field === undefined || !drawnFields.includes(issue.field.split('.')[0]!));

  return (
    <div className="journey-editor">
      <div className="editor-graph">
        <JourneyGraph
          definition={draft}
          {...(dryRun === undefined ? {} : { counts: dryRun })}
          selected={selected}
          invalid={invalid}
          onSelectNode={(id) => {
            setSelected(id);
            setEdge(undefined);
            setPanelError(undefined);
            setRevision((n) => n + 1);
          }}
          onSelectEdge={(choice) => setEdge(choice)}
        />
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={async () => {
              setSaveError(undefined);
              try {
                unwrap(await api.PUT('/v1/journeys/{id}/draft', { params: { path: { id: journeyId } }, body: { definition: draft } }));
                setSaved('Draft saved.');
                await queryClient.invalidateQueries({ queryKey: ['journey', journeyId] });
              } catch (problem) {
                setSaveError(problem);
              }
            }}
          >
            Save draft
          </button>
          {saved !== undefined && (
            <span className="notice" role="status">
              {saved}
            </span>
          )}
          {issues.length > 0 && (
            <span className="field-error" data-testid="draft-issues">
              {issues.length} problem{issues.length > 1 ? 's' : ''} on {[...invalid].join(', ')}
            </span>
          )}
        </div>
        {saveError !== undefined && !(saveError instanceof ApiError && saveError.issues.length > 0) && <Problem error={saveError} />}
        {saved !== undefined && <DryRunPanel journeyId={journeyId} onResult={setDryRun} />}
        {saved !== undefined && <PublishPanel key={saved} journeyId={journeyId} onPublished={async (message) => {
          setSaved(message);
          await queryClient.invalidateQueries({ queryKey: ['journey', journeyId] });
        }} />}
      </div>
      <aside className="side-panel" aria-label="Node panel" key={`${selected}:${revision}`}>
        {edge !== undefined && <InsertForm edge={edge} existing={new Set(nodeIds)} onInsert={insert} />}
        {node === undefined ? (
          <>
            <h3>Journey</h3>
            {drawnFields.map((field) => (
              <FieldInput key={field} path={field} value={draft[field] ?? (field === 'exits' ? [] : '')} nodeIds={nodeIds} issues={nodeIssues} onChange={(value) => change({ ...draft, [field]: value })} />
            ))}
            <button type="button" onClick={() => setEdge({ source: ENTRY_ID, path: [], target: String(draft.start ?? '') })}>
              Insert a node after the entry
            </button>
          </>
        ) : (
          <>
            <h3>
              {selected} <small>{String(node.type)}</small>
            </h3>
            {Object.entries(node)
              .filter(([field]) => field !== 'type')
              .map(([field, value]) => (
                <FieldInput key={field} path={field} value={value} nodeIds={nodeIds} issues={nodeIssues} onChange={(next) => change({ ...draft, nodes: { ...nodes, [selected]: { ...node, [field]: next } } })} />
              ))}
            {successorSlots(node).map((slot) => (
              <button key={slot.path.join('.')} type="button" onClick={() => setEdge({ source: selected, path: slot.path, target: slot.target })}>
                Insert a node on {slot.path.join('.')} → {slot.target}
              </button>
            ))}
            <button
              type="button"
              className="danger"
              onClick={() => {
                try {
                  change(removeNode(draft, selected));
                  setSelected(ENTRY_ID);
                } catch (problem) {
                  setPanelError((problem as Error).message);
                }
              }}
            >
              Delete {selected}
            </button>
          </>
        )}
        {unplaced.map((issue) => (
          <p key={`${issue.field}:${issue.reason}`} className="field-error">
            {issue.reason}
          </p>
        ))}
        {panelError !== undefined && <p className="field-error">{panelError}</p>}
      </aside>
    </div>
  );
}
