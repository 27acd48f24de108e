import { useState } from 'preact/hooks';
import { sessionFor, type Session } from '../session';

/** Paste a token; it stays in this tab's sessionStorage and travels only in the Authorization header and the stream's subprotocol. */
export function SignInPage({ onSignIn }: { onSignIn(session: Session): void }) {
  const [token, setToken] = useState('');
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<string>();
  return (
    <main id="main" class="sign-in">
      <h1>Audit log console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          try {
            const session = sessionFor(token.trim(), tenant.trim() || undefined);
            onSignIn(session);
          } catch (failure) {
            setError((failure as Error).message);
          }
        }}
      >
        <label for="sign-in-token">Access token (JWT)</label>
        <textarea id="sign-in-token" rows={5} required autoComplete="off" spellcheck={false} value={token} onInput={(event) => setToken(event.currentTarget.value)} />
        <label for="sign-in-tenant">Tenant id (platform admin tokens only; you can also pick one after signing in)</label>
        <input id="sign-in-tenant" value={tenant} autoComplete="off" onInput={(event) => setTenant(event.currentTarget.value)} />
        {error && (
          <p class="problem" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
      <p class="note">
        On the dev stack, <code>npm run token -- --role auditor --tenant ID</code> prints a link that signs in directly. The token is kept only in this tab.
      </p>
    </main>
  );
}
