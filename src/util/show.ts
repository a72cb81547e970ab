// Values as they appear in messages: bounded, whatever their size or depth (input is hostile).

const SHOWN_LENGTH = 80;

/**
 * A value as it appears in a message: JSON, shortened to 80 characters. Written out only as
 * far as shown, so the work is bounded whatever the value's size or depth (a request is
 * hostile input: a list of 100,000 items or 5,000 nested lists costs the same as a short one).
 */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const out = { text: '' };
  writeShort(value, out);
  return out.text.length > SHOWN_LENGTH ? `${out.text.slice(0, SHOWN_LENGTH - 3)}...` : out.text;
}

/** Appends `value` as JSON to out.text, stopping once past SHOWN_LENGTH (each level adds a character, so recursion is bounded too). */
function writeShort(value: unknown, out: { text: string }): void {
  if (out.text.length > SHOWN_LENGTH) return;
  if (typeof value === 'string') {
    out.text += JSON.stringify(value.length > SHOWN_LENGTH ? value.slice(0, SHOWN_LENGTH) : value);
    return;
  }
  if (Array.isArray(value)) {
    out.text += '[';
    for (let i = 0; i < value.length && out.text.length <= SHOWN_LENGTH; i++) {
      if (i > 0) out.text += ',';
      const item: unknown = value[i];
      writeShort(item === undefined ? null : item, out);
    }
    out.text += ']';
    return;
  }
  if (typeof value === 'object' && value !== null) {
    out.text += '{';
    let first = true;
    for (const key in value) {
      if (out.text.length > SHOWN_LENGTH) break;
      const item = (value as Record<string, unknown>)[key];
      if (!Object.hasOwn(value, key) || item === undefined) continue;
      out.text += `${first ? '' : ','}${JSON.stringify(key.length > SHOWN_LENGTH ? key.slice(0, SHOWN_LENGTH) : key)}:`;
      first = false;
      writeShort(item, out);
    }
    out.text += '}';
    return;
  }
  out.text += String(JSON.stringify(value) ?? null);
}

/** A string quoted for a message, shortened like show(): never the whole of a long value. */
export function quote(text: string): string {
  return show(text);
}
