// A new stack from a stack file, pasted or uploaded: checked as `longshore convert` and the
// façade would check it before anything is saved, then created through the REST API, and
// started too when asked.
import { useState } from 'preact/hooks';
import { call, stackApi, uiApi } from './api.ts';
import { StackFileEditor } from './editor.tsx';
import type { CheckResult, StackSummary } from './types.ts';

export function CreatePage({ namespace, onCreated }: { namespace: string; onCreated: (uuid: string) => void }) {
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [check, setCheck] = useState<CheckResult | null>(null);
  const [status, setStatus] = useState('');
  const runCheck = async (): Promise<CheckResult> => {
    const { json } = await call<CheckResult>('POST', `${uiApi(namespace)}stackfile/check?name=${encodeURIComponent(name)}`, {
      text,
    });
    setCheck(json);
    return json;
  };
  const create = async (start: boolean) => {
    setStatus('');
    try {
      const checked = await runCheck();
      if (!checked.ok) return;
      const { json } = await call<StackSummary>('POST', stackApi(namespace), { name, services: checked.services });
      if (start) await call('POST', `${json.resource_uri}start/`);
      onCreated(json.uuid);
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err));
    }
  };
  const upload = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    setText(await file.text());
    if (name === '')
      setName(
        file.name
          .replace(/\.ya?ml$/i, '')
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-'),
      );
  };
  return (
    <section aria-labelledby="create-title">
      <p>
        <a href="#/">← All stacks</a>
      </p>
      <h1 id="create-title">New stack</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create(false);
        }}
      >
        <p>
          <label for="stack-name">Stack name</label>{' '}
          <input id="stack-name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </p>
        <p>
          <label for="stack-upload">Upload a stack file (docker-cloud.yml)</label>{' '}
          <input id="stack-upload" type="file" accept=".yml,.yaml,text/yaml" onChange={(e) => void upload(e)} />
        </p>
        <StackFileEditor id="new-stackfile" label="Stack file (YAML)" text={text} onInput={setText} check={check} />
        <div class="toolbar">
          <button type="button" onClick={() => void runCheck().catch((err: Error) => setStatus(err.message))}>
            Check
          </button>
          <button type="submit">Create</button>
          <button type="button" onClick={() => void create(true)}>
            Create and start
          </button>
        </div>
        <p role="status">{status}</p>
      </form>
    </section>
  );
}
