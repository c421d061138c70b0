import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { Link } from '../router';
import { formatTime, Problem, usePages } from '../ui';

export default function Journeys() {
  const journeys = useQuery({ queryKey: ['journeys'], queryFn: async () => unwrap(await api.GET('/v1/journeys')) });
  const { visible, pager } = usePages(journeys.data?.journeys ?? [], 20);
  return (
    <>
      <h1>Journeys</h1>
      {journeys.isError && <Problem error={journeys.error} />}
      <table>
        <thead>
          <tr>
            <th>Journey</th>
            <th>Status</th>
            <th>Version</th>
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
              <td>{formatTime(journey.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager}
    </>
  );
}
