import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { SalesAction } from '../../../domain/handoff/actions';
import { OPPORTUNITY_PIPELINE, type OpportunityStage } from '../../../domain/handoff/pipeline';
import { api, ApiError, unwrap } from '../api/client';
import { Link } from '../router';
import { formatNumber, formatTime, Problem, usePages } from '../ui';

// The lead summary the engine writes on a hand-off (db/handoff.repository.ts LeadSummary): the
// contract types it as unknown, so the screen reads only the parts it shows, each optional.
interface LeadSummary {
  who?: { name?: string | null; email?: string | null; jobTitle?: string | null; phone?: string | null };
  company?: { name?: string | null; country?: string | null };
  score?: { engagement?: number; fitGrade?: string; reasons?: { reason: string; points: number; at: string }[] };
  lastActivityAt?: string | null;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function slaClock(dueAt: string | null, now: number): { text: string; overdue: boolean } {
  if (dueAt === null) return { text: 'no SLA', overdue: false };
  const minutes = Math.round((Date.parse(dueAt) - now) / 60_000);
  const span = `${Math.floor(Math.abs(minutes) / 60)} h ${Math.abs(minutes) % 60} min`;
  return minutes >= 0 ? { text: `respond within ${span}`, overdue: false } : { text: `overdue by ${span}`, overdue: true };
}

export default function Inbox() {
  const leads = useQuery({
    queryKey: ['leads'],
    queryFn: async () => unwrap(await api.GET('/v1/sales/leads', { params: { query: { status: 'assigned,escalated,accepted', limit: 200 } } })),
  });
  const { visible, pager } = usePages(leads.data?.leads ?? [], 10);
  const now = useNow(30_000);

  return (
    <>
      <h1>Sales inbox</h1>
      <p className="hint">Your leads, oldest first. Accept to work one (the contact becomes an SQL), or reject it with a reason (it goes back to nurture).</p>
      {leads.isError && <Problem error={leads.error} />}
      {leads.data !== undefined && leads.data.leads.length === 0 && <p className="empty">No lead waiting for you.</p>}
      <ul className="leads">
        {visible.map((lead) => {
          const summary = (lead.summary ?? {}) as LeadSummary;
          const clock = slaClock(lead.slaDueAt, now);
          return (
            <li key={lead.id} className="lead" data-testid={`lead-${lead.contactId}`}>
              <header>
                <Link to={`/contacts/${lead.contactId}`}>{summary.who?.name ?? summary.who?.email ?? lead.contactId}</Link>
                {summary.who?.jobTitle != null && <span> · {summary.who.jobTitle}</span>}
                {summary.company?.name != null && <span> · {summary.company.name}</span>}
                <span className={`status status-${lead.status}`} data-testid="lead-status">
                  {lead.status}
                </span>
                {(lead.status === 'assigned' || lead.status === 'escalated') && <span className={clock.overdue ? 'sla overdue' : 'sla'}>{clock.text}</span>}
              </header>
              <p>
                {lead.reason} · assigned {formatTime(lead.createdAt)} · score {summary.score?.engagement === undefined ? '—' : formatNumber(summary.score.engagement)}, fit {summary.score?.fitGrade ?? '—'}
              </p>
              {(summary.score?.reasons?.length ?? 0) > 0 && (
                <ul className="reasons" aria-label="Score reasons">
                  {summary.score?.reasons?.map((reason) => (
                    <li key={`${reason.at}:${reason.reason}`}>
                      +{formatNumber(reason.points)} {reason.reason}
                    </li>
                  ))}
                </ul>
              )}
              {(lead.status === 'assigned' || lead.status === 'escalated') && <LeadActions handoffId={lead.id} />}
              {lead.status === 'accepted' && (
                <>
                  <p className="done">Accepted: the contact is an SQL. Opportunity at {lead.opportunity === null ? '—' : `${lead.opportunity.stage.replace(/_/g, ' ')} (${lead.opportunity.probability} %)`}.</p>
                  <OpportunityActions handoffId={lead.id} stage={(lead.opportunity?.stage ?? null) as OpportunityStage | null} />
                </>
              )}
            </li>
          );
        })}
      </ul>
      {pager}
    </>
  );
}

/** A sales action's call, its busy state, and its refusal: a reason's next to the field, anything else below. */
function useSalesAction() {
  const queries = useQueryClient();
  const [reasonError, setReasonError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setFailure(undefined);
    try {
      await work();
      await queries.invalidateQueries({ queryKey: ['leads'] });
    } catch (error) {
      if (error instanceof ApiError && error.field('reason') !== undefined) setReasonError(error.field('reason'));
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  }
  return { run, busy, reasonError, setReasonError, failure };
}

/** The schema the API checks a reason with (rejection or loss), run before the call. */
function reasonProblem(action: 'reject' | 'lost', reason: string): string | undefined {
  const parsed = SalesAction.safeParse({ action, reason });
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'say why');
}

function LeadActions({ handoffId }: { handoffId: string }) {
  const [rejecting, setRejecting] = useState(false);
  const { run, busy, reasonError, setReasonError, failure } = useSalesAction();

  const accept = () => run(async () => unwrap(await api.POST('/v1/handoffs/{id}/accept', { params: { path: { id: handoffId } }, body: {} })));

  function reject(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '');
    const problem = reasonProblem('reject', reason);
    setReasonError(problem);
    if (problem !== undefined) return;
    void run(async () => unwrap(await api.POST('/v1/handoffs/{id}/reject', { params: { path: { id: handoffId } }, body: { reason } })));
  }

  return (
    <div className="actions">
      <button type="button" disabled={busy} onClick={() => void accept()}>
        Accept
      </button>
      {!rejecting && (
        <button type="button" className="secondary" disabled={busy} onClick={() => setRejecting(true)}>
          Reject…
        </button>
      )}
      {rejecting && (
        <form onSubmit={reject} noValidate>
          <label>
            Reason <input name="reason" placeholder="e.g. student, not a buyer" aria-invalid={reasonError !== undefined} />
          </label>
          <button type="submit" disabled={busy}>
            Reject lead
          </button>
          {reasonError !== undefined && <span className="field-error">{reasonError}</span>}
        </form>
      )}
      {failure !== undefined && <Problem error={failure} />}
    </div>
  );
}

/** An accepted lead's opportunity: moved along the pipeline, then won (the contact becomes a customer) or lost with a reason. */
function OpportunityActions({ handoffId, stage }: { handoffId: string; stage: OpportunityStage | null }) {
  const [losing, setLosing] = useState(false);
  const { run, busy, reasonError, setReasonError, failure } = useSalesAction();
  const path = { params: { path: { id: handoffId } } };

  function lose(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '');
    const problem = reasonProblem('lost', reason);
    setReasonError(problem);
    if (problem === undefined) void run(async () => unwrap(await api.POST('/v1/handoffs/{id}/lost', { ...path, body: { reason } })));
  }

  return (
    <div className="actions">
      <label>
        Opportunity stage
        <select
          value={stage ?? ''}
          disabled={busy}
          onChange={(event) => {
            const next = event.target.value as OpportunityStage;
            void run(async () => unwrap(await api.POST('/v1/handoffs/{id}/opportunity', { ...path, body: { stage: next } })));
          }}
        >
          {OPPORTUNITY_PIPELINE.map((entry) => (
            <option key={entry.stage} value={entry.stage}>
              {entry.stage.replace(/_/g, ' ')} ({entry.probability} %)
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={busy} onClick={() => void run(async () => unwrap(await api.POST('/v1/handoffs/{id}/won', { ...path, body: {} })))}>
        Won
      </button>
      {!losing && (
        <button type="button" className="secondary" disabled={busy} onClick={() => setLosing(true)}>
          Lost…
        </button>
      )}
      {losing && (
        <form onSubmit={lose} noValidate>
          <label>
            Why lost <input name="reason" placeholder="e.g. chose a competitor" aria-invalid={reasonError !== undefined} />
          </label>
          <button type="submit" disabled={busy}>
            Mark lost
          </button>
          {reasonError !== undefined && <span className="field-error">{reasonError}</span>}
        </form>
      )}
      {failure !== undefined && <Problem error={failure} />}
    </div>
  );
}
