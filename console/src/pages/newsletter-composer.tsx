import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { AudienceSegment, NewsletterSchedule, type TraitCondition } from '../../../domain/newsletter';
import { LifecycleStage } from '../../../domain/scoring/lifecycle';
import { api, ApiError, unwrap } from '../api/client';
import { Link, navigate } from '../router';
import { Problem } from '../ui';
import { sendAndOpen } from './newsletters';

// Compose a newsletter: template, topic, a segment built from stage, score, trait and activity
// conditions with the number of contacts it reaches now, a schedule and a rate. The segment is
// checked by the server's own zod schema as it is built, so the count is only asked for a valid one.

type Op = TraitCondition['op'];
const OPS: readonly Op[] = ['equals', 'in', 'exists', 'absent', 'gte', 'lte'];
interface TraitRow {
  name: string;
  op: Op;
  value: string;
}

const scalar = (text: string): string | number | boolean => (text === 'true' ? true : text === 'false' ? false : text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

function conditionOf(row: TraitRow): unknown {
  switch (row.op) {
    case 'exists':
    case 'absent':
      return { name: row.name, op: row.op };
    case 'in':
      return { name: row.name, op: row.op, values: row.value.split(',').map((part) => scalar(part.trim())) };
    case 'gte':
    case 'lte':
      return { name: row.name, op: row.op, value: Number(row.value) };
    default:
      return { name: row.name, op: row.op, value: scalar(row.value) };
  }
}

interface SegmentForm {
  stages: LifecycleStage[];
  minScore: string;
  maxScore: string;
  traits: TraitRow[];
  withinDays: string;
  notWithinDays: string;
}

function segmentOf(form: SegmentForm): unknown {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const score = { min: number(form.minScore), max: number(form.maxScore) };
  const activity = { withinDays: number(form.withinDays), notWithinDays: number(form.notWithinDays) };
  return {
    ...(form.stages.length > 0 ? { stages: form.stages } : {}),
    ...(score.min !== undefined || score.max !== undefined ? { score } : {}),
    ...(form.traits.length > 0 ? { traits: form.traits.map(conditionOf) } : {}),
    ...(activity.withinDays !== undefined || activity.notWithinDays !== undefined ? { lastActivity: activity } : {}),
  };
}

/** Template names from the templates API when this engine has it; the field stays free text either way (the server checks the name). */
function useTemplateNames(): string[] {
  const names = useQuery({
    queryKey: ['template-names'],
    queryFn: async () => {
      const response = await fetch('/v1/templates?kind=email', { credentials: 'same-origin' });
      if (!response.ok) return [];
      const body = (await response.json()) as { templates?: { name: string; archivedAt?: string | null }[] };
      return (body.templates ?? []).filter((t) => t.archivedAt == null).map((t) => t.name);
    },
    staleTime: 60_000,
  });
  return names.data ?? [];
}

/** The segment's audience, asked once the marketer pauses typing for 300 ms. */
function useAudienceSize(topic: string, segment: unknown, valid: boolean) {
  const key = JSON.stringify({ topic, segment });
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), 300);
    return () => clearTimeout(timer);
  }, [key]);
  return useQuery({
    queryKey: ['audience-size', settled],
    enabled: valid && /^[a-z0-9_-]+$/.test(topic),
    queryFn: async () => {
      const question = JSON.parse(settled) as { topic: string; segment: AudienceSegment };
      return unwrap(await api.POST('/v1/newsletters/audience-size', { body: { topic: question.topic, audience: question.segment } })).size;
    },
    placeholderData: (previous) => previous,
  });
}

type ScheduleKind = 'now' | 'at' | 'local-time';

export default function NewsletterComposer() {
  const templates = useTemplateNames();
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('newsletter-digest');
  const [topic, setTopic] = useState('newsletter');
  const [form, setForm] = useState<SegmentForm>({ stages: [], minScore: '', maxScore: '', traits: [], withinDays: '', notWithinDays: '' });
  const [scheduleKind, setScheduleKind] = useState<ScheduleKind>('now');
  const [at, setAt] = useState('');
  const [localDate, setLocalDate] = useState('');
  const [localTime, setLocalTime] = useState('09:00');
  const [fallbackZone, setFallbackZone] = useState('UTC');
  const [rate, setRate] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const segment = segmentOf(form);
  const checked = AudienceSegment.safeParse(segment);
  const segmentIssues = checked.success ? [] : checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const size = useAudienceSize(topic, checked.success ? checked.data : segment, checked.success);

  const schedule = scheduleKind === 'now' ? { kind: 'now' } : scheduleKind === 'at' ? { kind: 'at', at: at === '' ? '' : new Date(at).toISOString() } : { kind: 'local-time', date: localDate, time: localTime, fallbackTimeZone: fallbackZone };
  const setTrait = (index: number, change: Partial<TraitRow>) => setForm({ ...form, traits: form.traits.map((row, i) => (i === index ? { ...row, ...change } : row)) });

  async function submit(event: FormEvent<HTMLFormElement>, send: boolean) {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (name.trim() === '') local['name'] = 'give the newsletter a name';
    const parsedSchedule = NewsletterSchedule.safeParse(schedule);
    if (!parsedSchedule.success) local['schedule'] = parsedSchedule.error.issues.map((issue) => `${issue.path.join('.') || 'schedule'}: ${issue.message}`).join('; ');
    if (!checked.success) local['audience'] = segmentIssues.join('; ');
    setErrors(local);
    setFailure(undefined);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const body = {
        name,
        template,
        topic,
        audience: checked.success ? checked.data : {},
        schedule: parsedSchedule.data!,
        ...(rate.trim() === '' ? {} : { ratePerSecond: Number(rate) }),
      };
      const created = unwrap(await api.POST('/v1/newsletters', { body }));
      // The list read before this one was made must not be shown as if it were current.
      await queries.invalidateQueries({ queryKey: ['newsletters'] });
      if (send) await sendAndOpen(created.id);
      else navigate(`/newsletters/${created.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) {
        const byField: Record<string, string> = {};
        // The server names the refused field (template, audience.score, schedule.at…): shown next to it.
        for (const issue of error.issues) byField[issue.path.split('.')[0] ?? issue.path] ??= issue.message;
        setErrors(byField);
      } else setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: string) => (errors[field] === undefined ? null : <span className="field-error">{errors[field]}</span>);

  return (
    <>
      <p>
        <Link to="/newsletters">← Newsletters</Link>
      </p>
      <h1>New newsletter</h1>
      <form className="composer" onSubmit={(event) => void submit(event, true)} noValidate>
        <fieldset>
          <legend>Content</legend>
          <label>
            Name <input value={name} onChange={(event) => setName(event.target.value)} aria-invalid={errors['name'] !== undefined} />
          </label>
          {fieldError('name')}
          <label>
            Template
            <input list="template-names" value={template} onChange={(event) => setTemplate(event.target.value)} aria-invalid={errors['template'] !== undefined} />
            <datalist id="template-names">
              {templates.map((candidate) => (
                <option key={candidate} value={candidate} />
              ))}
            </datalist>
          </label>
          {fieldError('template')}
          <label>
            Topic <input value={topic} onChange={(event) => setTopic(event.target.value)} aria-invalid={errors['topic'] !== undefined} />
          </label>
          {fieldError('topic')}
        </fieldset>

        <fieldset>
          <legend>Audience</legend>
          <div className="stages" role="group" aria-label="Stages">
            {LifecycleStage.options.map((stage) => (
              <label key={stage} className="inline">
                <input
                  type="checkbox"
                  checked={form.stages.includes(stage)}
                  onChange={(event) => setForm({ ...form, stages: event.target.checked ? [...form.stages, stage] : form.stages.filter((s) => s !== stage) })}
                />
                {stage}
              </label>
            ))}
          </div>
          <div className="row">
            <label>
              Score from <input type="number" step="any" size={5} value={form.minScore} onChange={(event) => setForm({ ...form, minScore: event.target.value })} />
            </label>
            <label>
              Score to <input type="number" step="any" size={5} value={form.maxScore} onChange={(event) => setForm({ ...form, maxScore: event.target.value })} />
            </label>
            <label>
              Active within days <input type="number" min={1} size={4} value={form.withinDays} onChange={(event) => setForm({ ...form, withinDays: event.target.value })} />
            </label>
            <label>
              Inactive for days <input type="number" min={1} size={4} value={form.notWithinDays} onChange={(event) => setForm({ ...form, notWithinDays: event.target.value })} />
            </label>
          </div>
          {form.traits.map((row, index) => (
            <div className="row" key={index} data-testid="trait-condition">
              <label>
                Trait <input value={row.name} aria-label={`trait ${index + 1} name`} onChange={(event) => setTrait(index, { name: event.target.value })} />
              </label>
              <label>
                Condition
                <select value={row.op} aria-label={`trait ${index + 1} condition`} onChange={(event) => setTrait(index, { op: event.target.value as Op })}>
                  {OPS.map((op) => (
                    <option key={op}>{op}</option>
                  ))}
                </select>
              </label>
              {row.op !== 'exists' && row.op !== 'absent' && (
                <label>
                  Value <input value={row.value} aria-label={`trait ${index + 1} value`} placeholder={row.op === 'in' ? 'a, b, c' : ''} onChange={(event) => setTrait(index, { value: event.target.value })} />
                </label>
              )}
              <button type="button" className="secondary" onClick={() => setForm({ ...form, traits: form.traits.filter((_, i) => i !== index) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => setForm({ ...form, traits: [...form.traits, { name: '', op: 'equals', value: '' }] })}>
            Add a trait condition
          </button>
          {segmentIssues.length > 0 && <span className="field-error">{segmentIssues.join('; ')}</span>}
          {fieldError('audience')}
          <p className="audience-size" aria-live="polite">
            Audience now: <strong data-testid="audience-size">{size.data === undefined ? '…' : size.data}</strong> contact(s) subscribed to {topic}
            {size.isFetching && ' (counting…)'}
          </p>
          {size.isError && <Problem error={size.error} />}
        </fieldset>

        <fieldset>
          <legend>Schedule</legend>
          <div className="row">
            {(['now', 'at', 'local-time'] as const).map((kind) => (
              <label key={kind} className="inline">
                <input type="radio" name="schedule" checked={scheduleKind === kind} onChange={() => setScheduleKind(kind)} />
                {kind === 'now' ? 'Now' : kind === 'at' ? 'At a time' : "Recipients' local time"}
              </label>
            ))}
          </div>
          {scheduleKind === 'at' && (
            <label>
              Send at <input type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} />
            </label>
          )}
          {scheduleKind === 'local-time' && (
            <div className="row">
              <label>
                Day <input type="date" value={localDate} onChange={(event) => setLocalDate(event.target.value)} />
              </label>
              <label>
                Local time <input type="time" value={localTime} onChange={(event) => setLocalTime(event.target.value)} />
              </label>
              <label>
                Zone without a timezone trait <input value={fallbackZone} onChange={(event) => setFallbackZone(event.target.value)} />
              </label>
            </div>
          )}
          {fieldError('schedule')}
          <label>
            Rate (e-mails per second, optional) <input type="number" min={1} value={rate} onChange={(event) => setRate(event.target.value)} aria-invalid={errors['ratePerSecond'] !== undefined} />
          </label>
          {fieldError('ratePerSecond')}
        </fieldset>
        {failure !== undefined && <Problem error={failure} />}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {scheduleKind === 'now' ? 'Send' : 'Schedule'}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={(event) => void submit(event as unknown as FormEvent<HTMLFormElement>, false)}>
            Save draft
          </button>
        </div>
      </form>
    </>
  );
}
