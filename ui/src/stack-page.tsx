// One stack: its actions (only those its state allows, only for who may write), its services,
// its conditions and Events (why it is in its state), and its stack file to edit and save.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, get, uiApi } from './api.ts';
import { StackFileEditor } from './editor.tsx';
import { stateClass, when } from './format.ts';
import type { Access, ActionJson, CheckResult, StackAction, StackEvent, StackSummary } from './types.ts';

const ACTION_LABELS: Record<Exclude<StackAction, 'update'>, string> = {
  start: 'Start',
  stop: 'Stop',
  redeploy: 'Redeploy',
  terminate: 'Terminate',
};

export function StackPage({ stack, access }: { stack: StackSummary; access: Access }) {
  return (
    <article aria-labelledby="stack-title" data-stack-uri={stack.resource_uri}>
      <p>
        <a href="#/">← All stacks</a>
      </p>
      <h1 id="stack-title">
        {stack.name} <span class={stateClass(stack.state)}>{stack.state}</span>
      </h1>
      <p>
        Services ready: {stack.servicesReady} · Synchronized: {stack.synchronized ? 'Yes' : 'No'} · Deployed:{' '}
        {when(stack.deployed_datetime)}
        {stack.destroyed_datetime !== null && ` · Destroyed: ${when(stack.destroyed_datetime)}`}
      </p>
      <Actions stack={stack} access={access} />
      <Services stack={stack} />
      <Conditions stack={stack} />
      <Events stack={stack} />
      <StackFile stack={stack} mayEdit={access.may.patch && stack.allowedActions.includes('update')} />
    </article>
  );
}

function Actions({ stack, access }: { stack: StackSummary; access: Access }) {
  const [reuseVolumes, setReuseVolumes] = useState(true);
  const [pending, setPending] = useState<{ uuid: string; label: string } | null>(null);
  const [error, setError] = useState('');
  const shown = (['start', 'stop', 'redeploy', 'terminate'] as const).filter((a) =>
    a === 'terminate' ? access.may.delete : access.may.patch,
  );
  if (shown.length === 0) return null;
  const run = async (action: Exclude<StackAction, 'update'>) => {
    if (action === 'terminate' && !confirm(`Terminate stack ${stack.name}? Its services and volumes are removed.`)) return;
    if (
      action === 'redeploy' &&
      !reuseVolumes &&
      !confirm(`Redeploy ${stack.name} with new, empty volumes? Data in its volumes is lost.`)
    )
      return;
    setError('');
    try {
      const { headers } = await (action === 'terminate'
        ? call('DELETE', stack.resource_uri)
        : call('POST', `${stack.resource_uri}${action}/${action === 'redeploy' ? `?reuse_volumes=${reuseVolumes}` : ''}`));
      const uuid = headers.get('X-DockerCloud-Action-URI')?.split('/').filter(Boolean).at(-1) ?? '';
      setPending({ uuid, label: ACTION_LABELS[action] });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const outcome: ActionJson | undefined = pending === null ? undefined : stack.actions.find((a) => a.uuid === pending.uuid);
  return (
    <section aria-labelledby="actions-title" class="actions">
      <h2 id="actions-title">Actions</h2>
      <div class="toolbar">
        {shown.map((a) => (
          <button key={a} type="button" disabled={!stack.allowedActions.includes(a)} onClick={() => void run(a)}>
            {ACTION_LABELS[a]}
          </button>
        ))}
        {shown.includes('redeploy') && (
          <label>
            <input
              type="checkbox"
              checked={reuseVolumes}
              onChange={(e) => setReuseVolumes((e.target as HTMLInputElement).checked)}
            />{' '}
            Reuse volumes
          </label>
        )}
      </div>
      <div role="status" aria-live="polite" class="outcome">
        {pending !== null && (
          <p>
            {pending.label}:{' '}
            <span class={stateClass(outcome?.state ?? 'In progress')} data-outcome={outcome?.state ?? 'In progress'}>
              {outcome?.state ?? 'In progress'}
            </span>
            {outcome?.logs ? ` — ${outcome.logs}` : ''}
          </p>
        )}
      </div>
      {error !== '' && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </section>
  );
}

function Services({ stack }: { stack: StackSummary }) {
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      <table class="services">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Containers ready</th>
            <th scope="col">Image</th>
            <th scope="col">Ports</th>
            <th scope="col">Links</th>
          </tr>
        </thead>
        <tbody>
          {stack.services_detail.map((s) => (
            <tr key={s.name} data-service={s.name}>
              <th scope="row">{s.name}</th>
              <td>
                <span class={stateClass(s.state)}>{s.state}</span>
              </td>
              <td>
                {s.readyContainers}/{s.targetContainers}
              </td>
              <td>
                <code>{s.image}</code>
              </td>
              <td>
                {s.ports.length === 0
                  ? '—'
                  : s.ports.map((p) => (
                      <div key={`${p.port}/${p.protocol}`}>
                        {p.port}/{p.protocol}: <code>{p.inside}</code>
                        {p.published && ` · published${p.outerPort === null ? '' : ` on ${p.outerPort}`}`}
                      </div>
                    ))}
              </td>
              <td>
                {s.links.length === 0 ? '—' : s.links.map((l) => (l.alias === l.to ? l.to : `${l.to} as ${l.alias}`)).join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Conditions({ stack }: { stack: StackSummary }) {
  return (
    <section aria-labelledby="conditions-title">
      <h2 id="conditions-title">Conditions</h2>
      {stack.conditions.length === 0 ? (
        <p>None reported yet.</p>
      ) : (
        <dl class="conditions">
          {stack.conditions.map((c) => (
            <div key={c.type} data-condition={c.type}>
              <dt>
                {c.type}: {c.status}
              </dt>
              <dd>
                {c.reason}
                {c.message !== '' && ` — ${c.message}`}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function Events({ stack }: { stack: StackSummary }) {
  const [events, setEvents] = useState<StackEvent[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    get<{ events: StackEvent[] }>(`${uiApi(stack.namespace)}stack/${stack.uuid}/events`).then(
      (r) => {
        setEvents(r.events);
        setError('');
      },
      (err: Error) => setError(err.message),
    );
  // Read again when the stack's state changes: the Events say why.
  useEffect(() => void load(), [stack.uuid, stack.state]);
  return (
    <section aria-labelledby="events-title">
      <div class="toolbar">
        <h2 id="events-title">Recent events</h2>
        <button type="button" onClick={() => void load()}>
          Refresh events
        </button>
      </div>
      {error !== '' && <p class="error">{error}</p>}
      {events !== null && events.length === 0 && <p>No events.</p>}
      {events !== null && events.length > 0 && (
        <table class="events">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Reason</th>
              <th scope="col">Message</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => (
              <tr key={`${i}-${e.reason}`}>
                <td>{e.type}</td>
                <td>{e.reason}</td>
                <td>{e.message}</td>
                <td>{e.count}</td>
                <td>{when(e.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StackFile({ stack, mayEdit }: { stack: StackSummary; mayEdit: boolean }) {
  const [text, setText] = useState<string | null>(null);
  const [check, setCheck] = useState<CheckResult | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    get<{ text: string }>(`${uiApi(stack.namespace)}stack/${stack.uuid}/stackfile`).then(
      (r) => setText(r.text),
      (err: Error) => setStatus(err.message),
    );
  }, [stack.uuid]);
  const save = async () => {
    setStatus('');
    try {
      const { json } = await call<CheckResult>('POST', `${uiApi(stack.namespace)}stackfile/check?stack=${stack.uuid}`, { text });
      setCheck(json);
      if (!json.ok) return;
      await call('PATCH', stack.resource_uri, { services: json.services });
      setStatus('Saved: the stack rolls out the new definition.');
    } catch (err) {
      setStatus(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    }
  };
  if (text === null) return <p>{status}</p>;
  return (
    <section aria-labelledby="file-title">
      <h2 id="file-title">Stack file</h2>
      <StackFileEditor id="stackfile" label="Stack file (YAML)" text={text} onInput={setText} check={check} readOnly={!mayEdit} />
      {mayEdit && (
        <button type="button" onClick={() => void save()}>
          Save
        </button>
      )}
      <p role="status">{status}</p>
    </section>
  );
}
