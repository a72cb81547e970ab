// A stack file in a text area, with the problems the façade found listed under it, each naming
// its line and key; choosing one puts the cursor on that line.
import { useRef } from 'preact/hooks';
import type { CheckResult } from './types.ts';

interface Props {
  id: string;
  label: string;
  text: string;
  onInput: (text: string) => void;
  check: CheckResult | null;
  readOnly?: boolean;
}

export function StackFileEditor({ id, label, text, onInput, check, readOnly }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const problems = check?.errors ?? [];
  const goTo = (line: number) => {
    const el = area.current;
    if (el === null) return;
    const lines = el.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };
  return (
    <div class="editor">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        ref={area}
        rows={Math.min(30, Math.max(8, text.split('\n').length + 1))}
        spellcheck={false}
        value={text}
        readOnly={readOnly}
        aria-invalid={problems.length > 0}
        aria-describedby={`${id}-problems`}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
      />
      <div id={`${id}-problems`} aria-live="polite">
        {problems.length > 0 && (
          <ul class="problems" aria-label="Problems in the stack file">
            {problems.map((p) => (
              <li key={`${p.key}-${p.line}-${p.message}`} class="problem" data-key={p.key}>
                {p.line !== null ? (
                  <button type="button" class="link" onClick={() => goTo(p.line as number)}>
                    line {p.line}
                  </button>
                ) : null}
                {p.key !== '' && <code>{p.key}</code>} {p.message}
              </li>
            ))}
          </ul>
        )}
        {(check?.warnings ?? []).length > 0 && (
          <ul class="warnings" aria-label="Warnings">
            {check?.warnings.map((w) => (
              <li key={w}>warning: {w}</li>
            ))}
          </ul>
        )}
        {check?.ok === true && <p class="ok">The stack file is valid.</p>}
      </div>
    </div>
  );
}
