import { lazy, Suspense, useState, type FormEvent, type ReactNode } from 'react';
import { ConsoleLogin } from '../../domain/console';
import { ApiError } from './api/client';
import { Link, navigate, usePath } from './router';
import { useSession, useSessionActions, type Role } from './session';

// The login is in the first bundle; every other screen is a chunk of its own, loaded when opened.
const Dashboard = lazy(() => import('./pages/dashboard'));
const Contacts = lazy(() => import('./pages/contacts'));
const ContactProfile = lazy(() => import('./pages/contact-profile'));
const Inbox = lazy(() => import('./pages/inbox'));
const Journeys = lazy(() => import('./pages/journeys'));
const JourneyDetail = lazy(() => import('./pages/journey-detail'));
const Newsletters = lazy(() => import('./pages/newsletters'));
const Templates = lazy(() => import('./pages/templates'));
const NewsletterDetail = lazy(() => import('./pages/newsletters').then((module) => ({ default: module.NewsletterDetail })));
const NewsletterComposer = lazy(() => import('./pages/newsletter-composer'));
const Settings = lazy(() => import('./pages/settings'));

interface Screen {
  path: string;
  label: string;
  roles: readonly Role[];
}

const NAVIGATION: readonly Screen[] = [
  { path: '/dashboard', label: 'Dashboard', roles: ['admin', 'marketer'] },
  { path: '/contacts', label: 'Contacts', roles: ['admin', 'marketer'] },
  { path: '/journeys', label: 'Journeys', roles: ['admin', 'marketer'] },
  { path: '/newsletters', label: 'Newsletters', roles: ['admin', 'marketer'] },
  { path: '/templates', label: 'Templates', roles: ['admin', 'marketer'] },
  { path: '/inbox', label: 'Sales inbox', roles: ['sales'] },
  { path: '/settings', label: 'Settings', roles: ['admin'] },
];

function screenFor(path: string, role: Role): ReactNode {
  const home = role === 'sales' ? '/inbox' : '/dashboard';
  if (path === '/' || path === '') {
    queueMicrotask(() => navigate(home));
    return null;
  }
  const contact = /^\/contacts\/([0-9a-f-]{36})$/.exec(path);
  if (contact !== null) return <ContactProfile id={contact[1]!} />;
  const journey = /^\/journeys\/([^/]+)$/.exec(path);
  if (journey !== null && role !== 'sales') return <JourneyDetail id={decodeURIComponent(journey[1]!)} />;
  const template = /^\/templates\/([^/]+)$/.exec(path);
  if (template !== null && role !== 'sales') return <Templates name={decodeURIComponent(template[1]!)} />;
  if (path === '/newsletters/new' && role !== 'sales') return <NewsletterComposer />;
  const newsletter = /^\/newsletters\/([0-9a-f-]{36})$/.exec(path);
  if (newsletter !== null && role !== 'sales') return <NewsletterDetail id={newsletter[1]!} />;
  const allowed = NAVIGATION.find((screen) => screen.path === path);
  if (allowed === undefined) return <p className="empty">No such screen. <Link to={home}>Go back</Link></p>;
  if (!allowed.roles.includes(role)) return <p className="error" role="alert">Your role ({role}) cannot open {allowed.label}.</p>;
  switch (path) {
    case '/dashboard':
      return <Dashboard />;
    case '/contacts':
      return <Contacts />;
    case '/journeys':
      return <Journeys />;
    case '/newsletters':
      return <Newsletters />;
    case '/templates':
      return <Templates />;
    case '/settings':
      return <Settings />;
    default:
      return <Inbox />;
  }
}

export function App() {
  const session = useSession();
  const { path } = usePath();
  const { logOut } = useSessionActions();
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) return <p className="error" role="alert">The API does not answer: {session.error.message}</p>;
  if (session.data === null) return <Login />;
  const { user } = session.data;
  return (
    <div className="shell">
      <nav aria-label="Main">
        <div className="brand">Relance</div>
        <ul>
          {NAVIGATION.filter((screen) => screen.roles.includes(user.role)).map((screen) => (
            <li key={screen.path}>
              <Link to={screen.path} aria-current={path.startsWith(screen.path) ? 'page' : undefined}>
                {screen.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="who">
          <span data-testid="current-user">{user.email}</span>
          <span className="role">{user.role}</span>
          <button type="button" onClick={() => void logOut()}>
            Log out
          </button>
        </div>
      </nav>
      <main>
        <Suspense fallback={<p className="loading">Loading…</p>}>{screenFor(path, user.role)}</Suspense>
      </main>
    </div>
  );
}

function Login() {
  const { logIn } = useSessionActions();
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // The same schema the API validates the login with: the message shows before a round trip.
    const parsed = ConsoleLogin.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      const byField: Record<string, string> = {};
      for (const issue of parsed.error.issues) byField[String(issue.path[0])] ??= issue.message;
      setErrors(byField);
      return;
    }
    setBusy(true);
    try {
      await logIn(parsed.data.email, parsed.data.password);
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors({ email: error.field('email'), password: error.field('password'), form: error.issues.length === 0 ? error.message : undefined });
      } else setErrors({ form: String(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={(event) => void submit(event)} noValidate>
      <h1>Relance</h1>
      <label>
        E-mail
        <input name="email" type="email" autoComplete="username" aria-invalid={errors.email !== undefined} />
      </label>
      {errors.email !== undefined && <span className="field-error">{errors.email}</span>}
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" aria-invalid={errors.password !== undefined} />
      </label>
      {errors.password !== undefined && <span className="field-error">{errors.password}</span>}
      {errors.form !== undefined && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
