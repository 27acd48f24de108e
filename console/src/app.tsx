import { useState } from 'preact/hooks';
import { TenantPicker } from './components/tenant-picker';
import { EventPage } from './pages/event';
import { ExportsPage } from './pages/exports';
import { IntegrityPage } from './pages/integrity';
import { SearchPage } from './pages/search';
import { SignInPage } from './pages/sign-in';
import { TailPage } from './pages/tail';
import { TasksPage } from './pages/tasks';
import { href, useRoute, type Route } from './route';
import { clearSession, saveSession, storedSession, type Session } from './session';

interface Page {
  path: string;
  title: string;
  roles?: string[];
}

const PAGES: Page[] = [
  { path: '/search', title: 'Search' },
  { path: '/tail', title: 'Live tail' },
  { path: '/exports', title: 'Export', roles: ['admin', 'auditor', 'viewer'] },
  { path: '/tasks', title: 'Tasks', roles: ['admin', 'auditor'] },
  { path: '/integrity', title: 'Integrity', roles: ['admin', 'auditor'] },
];

function content(session: Session, route: Route) {
  const event = /^\/events\/([^/]+)$/.exec(route.path);
  if (event?.[1]) return <EventPage session={session} id={decodeURIComponent(event[1])} />;
  switch (route.path) {
    case '/tail':
      return <TailPage session={session} />;
    case '/exports':
      return <ExportsPage session={session} />;
    case '/tasks':
      return <TasksPage session={session} route={route} />;
    case '/integrity':
      return <IntegrityPage session={session} />;
    default:
      return <SearchPage session={session} route={route} />;
  }
}

export function App() {
  const [session, setSession] = useState(storedSession);
  const route = useRoute();
  if (!session) {
    return (
      <SignInPage
        onSignIn={(next) => {
          saveSession(next);
          setSession(next);
        }}
      />
    );
  }
  const platformAdmin = session.role === 'admin' && !session.tokenTenantId;
  const pages = PAGES.filter((page) => !page.roles || page.roles.includes(session.role));
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Audit log</span>
        <nav aria-label="Pages">
          <ul>
            {pages.map((page) => (
              <li key={page.path}>
                <a href={href(page.path)} aria-current={route.path === page.path ? 'page' : undefined}>
                  {page.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {platformAdmin && (
          <TenantPicker
            session={session}
            onChange={(tenantId) => {
              const next = { ...session, tenantId };
              saveSession(next);
              setSession(next);
            }}
          />
        )}
        <span class="who">
          {session.sub} · {session.role}
          {session.tokenTenantId && <> · tenant {session.tokenTenantId.slice(0, 8)}</>}
          {Object.keys(session.fixedFilters).length > 0 && (
            <> · only {Object.entries(session.fixedFilters).map(([name, value]) => `${name}=${value}`).join(', ')}</>
          )}
        </span>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            clearSession();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1} key={session.tenantId}>
        {platformAdmin && !session.tenantId && route.path !== '/tasks' ? <p class="note">Choose a tenant above to read its events.</p> : content(session, route)}
      </main>
    </>
  );
}
