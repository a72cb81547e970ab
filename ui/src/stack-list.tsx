// The namespace's stacks, live: state in colour and in words, services ready, synchronized,
// dates; a filter by name; terminated stacks in a table of their own.
import { useState } from 'preact/hooks';
import { stateClass, when } from './format.ts';
import type { StackSummary } from './types.ts';

export function StackList({ stacks, mayCreate }: { stacks: StackSummary[]; mayCreate: boolean }) {
  const [filter, setFilter] = useState('');
  const shown = stacks.filter((s) => s.name.includes(filter.trim().toLowerCase()));
  const live = shown.filter((s) => s.state !== 'Terminated');
  const terminated = shown.filter((s) => s.state === 'Terminated');
  return (
    <section aria-labelledby="stacks-title">
      <div class="toolbar">
        <h1 id="stacks-title">Stacks</h1>
        {mayCreate && (
          <a class="button" href="#/new">
            New stack
          </a>
        )}
      </div>
      <label for="filter">Filter by name</label>{' '}
      <input id="filter" type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      <StackTable caption="Stacks" stacks={live} empty="No stacks." />
      {terminated.length > 0 && <StackTable caption="Terminated" stacks={terminated} empty="" />}
    </section>
  );
}

function StackTable({ caption, stacks, empty }: { caption: string; stacks: StackSummary[]; empty: string }) {
  if (stacks.length === 0) return <p>{empty}</p>;
  return (
    <table class="stacks" aria-label={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">State</th>
          <th scope="col">Services ready</th>
          <th scope="col">Synchronized</th>
          <th scope="col">Deployed</th>
          <th scope="col">Destroyed</th>
        </tr>
      </thead>
      <tbody>
        {stacks.map((s) => (
          <tr key={s.uuid} data-stack={s.name}>
            <th scope="row">
              <a href={`#/stack/${s.uuid}`}>{s.name}</a>
            </th>
            <td>
              <span class={stateClass(s.state)}>{s.state}</span>
            </td>
            <td>{s.servicesReady}</td>
            <td>{s.synchronized ? 'Yes' : 'No'}</td>
            <td>{when(s.deployed_datetime)}</td>
            <td>{when(s.destroyed_datetime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
