import { useState, type ReactNode } from 'react';
import { ApiError } from './api/client';

export const formatTime = (iso: string | null | undefined) => (iso === null || iso === undefined ? '—' : new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }));
export const formatNumber = (value: number, digits = 1) => value.toLocaleString('en-GB', { maximumFractionDigits: digits });

export function Problem({ error }: { error: unknown }) {
  const message = error instanceof ApiError ? `${error.message} (${error.status})` : String(error);
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

/** A page of a list the API answers whole (journeys, a rep's leads): the screen still shows it a page at a time. */
export function usePages<T>(items: readonly T[], size = 20) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page, pages - 1);
  return {
    visible: items.slice(current * size, (current + 1) * size),
    pager: <Pager page={current} hasPrevious={current > 0} hasNext={current < pages - 1} onPrevious={() => setPage(current - 1)} onNext={() => setPage(current + 1)} label={`page ${current + 1} of ${pages}`} />,
  };
}

export function Pager(props: { page: number; hasPrevious: boolean; hasNext: boolean; onPrevious: () => void; onNext: () => void; label?: string }) {
  return (
    <div className="pager">
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        ← Previous
      </button>
      <span>{props.label ?? `page ${props.page + 1}`}</span>
      <button type="button" disabled={!props.hasNext} onClick={props.onNext}>
        Next →
      </button>
    </div>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
