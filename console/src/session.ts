import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, unwrap } from './api/client';
import type { paths } from './api/schema';

type SessionAnswer = paths['/console/api/session']['get']['responses'][200]['content']['application/json'];
export type Session = SessionAnswer;
export type Role = SessionAnswer['user']['role'];

/** The logged-in user, or null when the browser has no live session (the login screen shows). */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<Session | null> => {
      const result = await api.GET('/console/api/session');
      if (result.response.status === 401) return null;
      const session = unwrap(result);
      setCsrfToken(session.csrfToken);
      return session;
    },
    staleTime: Infinity,
  });
}

export function useSessionActions() {
  const queries = useQueryClient();
  return {
    async logIn(email: string, password: string): Promise<void> {
      const session = unwrap(await api.POST('/console/api/login', { body: { email, password } }));
      setCsrfToken(session.csrfToken);
      queries.setQueryData(['session'], session);
    },
    async logOut(): Promise<void> {
      const result = await api.POST('/console/api/logout');
      if (!result.response.ok) throw new ApiError(result.response.status, 'could not log out');
      setCsrfToken(null);
      queries.setQueryData(['session'], null);
      // Nothing read under the old session may show under the next one.
      queries.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
    },
  };
}

export { ApiError };
