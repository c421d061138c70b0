import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { formatNumber, formatTime, Problem, Section } from '../ui';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export default function ContactProfile({ id }: { id: string }) {
  const profile = useQuery({ queryKey: ['contact', id], queryFn: async () => unwrap(await api.GET('/v1/contacts/{id}', { params: { path: { id } } })) });
  const score = useQuery({ queryKey: ['contact', id, 'score'], queryFn: async () => unwrap(await api.GET('/v1/contacts/{id}/score', { params: { path: { id } } })) });

  if (profile.isError) return <Problem error={profile.error} />;
  if (profile.data === undefined) return <p className="loading">Loading…</p>;
  const contact = profile.data;

  return (
    <>
      <h1>{contact.email ?? contact.id}</h1>
      <p className="facts">
        Stage <strong data-testid="contact-stage">{contact.stage}</strong> · score{' '}
        <strong data-testid="contact-score">{contact.score === null ? '—' : formatNumber(contact.score.engagement)}</strong> · fit {contact.score?.grade ?? '—'} · last active{' '}
        {formatTime(contact.lastActivityAt)}
      </p>

      <Section title="Score explained">
        {score.isError && <Problem error={score.error} />}
        {score.data !== undefined && (
          <>
            <p>
              Engagement <strong data-testid="score-total">{formatNumber(score.data.engagement.total)}</strong> now (model v{score.data.model.version}, points halve every{' '}
              {score.data.model.halfLifeDays} days, lines older than {score.data.model.windowDays} days drop out).
            </p>
            <table aria-label="Engagement lines">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Event</th>
                  <th>Rule</th>
                  <th>Why</th>
                  <th className="num">Points</th>
                  <th className="num">Decayed now</th>
                </tr>
              </thead>
              <tbody>
                {score.data.engagement.lines.map((line) => (
                  <tr key={`${line.eventId}:${line.ruleId}`} data-testid="ledger-line">
                    <td>{formatTime(line.occurredAt)}</td>
                    <td>{line.eventType}</td>
                    <td>{line.ruleId}</td>
                    <td>{line.reason}</td>
                    <td className="num">{formatNumber(line.points)}</td>
                    <td className="num">{formatNumber(line.decayedPoints, 2)}</td>
                  </tr>
                ))}
                {score.data.engagement.lines.length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      No engagement yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
            <h3>
              Fit: {score.data.fit.points} points, grade {score.data.fit.grade}
            </h3>
            <table aria-label="Fit lines">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Trait</th>
                  <th>Source</th>
                  <th className="num">Points</th>
                </tr>
              </thead>
              <tbody>
                {score.data.fit.lines.map((line) => (
                  <tr key={line.ruleId} data-testid="fit-line">
                    <td>{line.ruleId}</td>
                    <td>{line.trait}</td>
                    <td>{line.source}</td>
                    <td className="num">{formatNumber(line.points)}</td>
                  </tr>
                ))}
                {score.data.fit.ignored.map((line) => (
                  <tr key={`ignored:${line.ruleId}`} className="muted">
                    <td>{line.ruleId}</td>
                    <td>{line.trait}</td>
                    <td>{line.source}</td>
                    <td className="num">ignored: {line.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Section>

      <Section title="Traits">
        <table aria-label="Traits">
          <thead>
            <tr>
              <th>Trait</th>
              <th>Value</th>
              <th>Source</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(contact.traits).map(([name, trait]) => (
              <tr key={name}>
                <td>{name}</td>
                <td>{show(trait.value)}</td>
                <td>{trait.source}</td>
                <td>{formatTime(trait.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Stage history">
        <ol className="timeline">
          {contact.stageHistory.map((move) => (
            <li key={`${move.at}:${move.to}`}>
              {formatTime(move.at)}: {move.from} → <strong>{move.to}</strong> ({move.reason}, by {move.actor})
            </li>
          ))}
          {contact.stageHistory.length === 0 && <li className="empty">No stage change yet.</li>}
        </ol>
      </Section>

      <Section title="Recent events">
        <table aria-label="Recent events">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>Properties</th>
            </tr>
          </thead>
          <tbody>
            {contact.recentEvents.map((event) => (
              <tr key={event.messageId}>
                <td>{formatTime(event.at)}</td>
                <td>{event.type}</td>
                <td className="props">{JSON.stringify(event.properties)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Identities">
        <ul>
          {contact.identities.map((identity) => (
            <li key={`${identity.kind}:${identity.value}`}>
              {identity.kind}: {identity.value}
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
