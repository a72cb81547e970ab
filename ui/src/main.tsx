// The dashboard: sign in with a Kubernetes token, choose a namespace, then the live list of
// its stacks, a page per stack, and a page to create one. Routes are the URL's fragment
// (#/, #/stack/<uuid>, #/new), so the façade serves one page.
import { type JSX, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, forgetToken, get, storedToken, storeToken, uiApi } from './api.ts';
import { CreatePage } from './create-page.tsx';
import { followStacks } from './live.ts';
import { StackList } from './stack-list.tsx';
import { StackPage } from './stack-page.tsx';
import type { Access, Session, StackSummary } from './types.ts';

const NAMESPACE_KEY = 'longshore.namespace';

function useRoute(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#/, '') || '/';
}

function SignIn({ onSignedIn, message }: { onSignedIn: (s: Session) => void; message: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(message);
  const submit = async (e: Event) => {
    e.preventDefault();
    storeToken(token);
    try {
      onSignedIn(await get<Session>('/ui/api/session'));
    } catch (err) {
      forgetToken();
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The token was not accepted by Kubernetes.'
          : String((err as Error).message),
      );
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Longshore</h1>
      <form onSubmit={(e) => void submit(e)}>
        <p>
          <label for="token">Kubernetes token</label>
          <input
            id="token"
            type="password"
            autocomplete="off"
            required
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          />
        </p>
        <p class="hint">The bearer token the Docker Cloud clients use (DOCKERCLOUD_AUTH). It stays in this tab only.</p>
        <button type="submit">Sign in</button>
        {error !== '' && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [signInMessage, setSignInMessage] = useState('');
  const [namespace, setNamespace] = useState<string>('');
  const [access, setAccess] = useState<Access | null>(null);
  const [stacks, setStacks] = useState<Map<string, StackSummary>>(new Map());
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState('');
  const route = useRoute();

  const signOut = (message = '') => {
    forgetToken();
    setSession(null);
    setSignInMessage(message);
  };

  // A token already in this tab: resume.
  useEffect(() => {
    if (storedToken() === null) return;
    get<Session>('/ui/api/session').then(setSession, () => signOut());
  }, []);

  useEffect(() => {
    if (session === null) return;
    const remembered = sessionStorage.getItem(NAMESPACE_KEY);
    setNamespace(remembered !== null && session.namespaces.includes(remembered) ? remembered : session.namespace);
  }, [session]);

  useEffect(() => {
    if (session === null || namespace === '') return;
    sessionStorage.setItem(NAMESPACE_KEY, namespace);
    setAccess(null);
    setStacks(new Map());
    setError('');
    get<Access>(`${uiApi(namespace)}access`).then(setAccess, (err: Error) => setError(err.message));
    return followStacks(namespace, {
      snapshot: (all) => setStacks(new Map(all.map((s) => [s.uuid, s]))),
      stack: (s) => setStacks((m) => new Map(m).set(s.uuid, s)),
      remove: (uuid) =>
        setStacks((m) => {
          const next = new Map(m);
          next.delete(uuid);
          return next;
        }),
      connected: setConnected,
      unauthorized: () => signOut('Your token is no longer accepted: sign in again.'),
    });
  }, [session, namespace]);

  if (session === null) return <SignIn onSignedIn={setSession} message={signInMessage} />;
  const list = [...stacks.values()];
  const stackId = /^\/stack\/([^/]+)$/.exec(route)?.[1];
  const stack = stackId === undefined ? undefined : stacks.get(stackId);
  let content: JSX.Element;
  if (access === null)
    content =
      error !== '' ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : (
        <p>Loading…</p>
      );
  else if (route === '/new' && access.may.create)
    content = <CreatePage namespace={namespace} onCreated={(uuid) => (location.hash = `#/stack/${uuid}`)} />;
  else if (stackId !== undefined)
    content =
      stack === undefined ? (
        <p>{connected ? 'No such stack in this namespace.' : 'Loading…'}</p>
      ) : (
        <StackPage key={stack.uuid} stack={stack} access={access} />
      );
  else content = <StackList stacks={list} mayCreate={access.may.create} />;

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <a href="#/" class="brand">
          Longshore
        </a>
        <label for="namespace">Namespace</label>
        <select id="namespace" value={namespace} onChange={(e) => setNamespace((e.target as HTMLSelectElement).value)}>
          {(session.namespaces.includes(namespace) || namespace === ''
            ? session.namespaces
            : [namespace, ...session.namespaces]
          ).map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
        <span class="live" role="status" data-connected={connected ? 'yes' : 'no'}>
          {connected ? 'Live' : 'Reconnecting…'}
        </span>
        <span class="user">{session.username}</span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">{content}</main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
