// `$VAR` interpolation in stack files, as the docker-cloud CLI 1.0.9 does it before sending
// (its interpolation.py, copied from docker-compose: Python's string.Template):
//
//  - `$NAME` and `${NAME}`, NAME being a letter or "_" followed by letters, digits and "_";
//  - `$$` is a literal "$";
//  - any other "$" (`$1`, `${A:-b}`, a lone "$" at the end) makes the file invalid;
//  - a variable that is not set becomes the empty string, with a warning;
//  - only values are interpolated, in every key of every service; keys never are.
//
// Then, as the CLI's inject_env_var: an environment list item without "=" (`- SECRET`) and a
// mapping entry without a value (`SECRET:`) take the variable's value when it is set.
import { isMapping } from './request-values.ts';

const PLACEHOLDER = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|())/gi;

export interface InterpolationProblem {
  /** Where in the service, as a stack-file path: "environment[2]", "image". */
  at: string;
  message: string;
}

export interface Interpolation {
  env: Readonly<Record<string, string | undefined>>;
  /** Variables found unset, each once, with where it was first used ("environment[2]"). */
  unset: Map<string, string>;
  problems: InterpolationProblem[];
}

function interpolateString(text: string, at: string, state: Interpolation): string {
  let bad = false;
  const out = text.replace(
    PLACEHOLDER,
    (_match, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped !== undefined) return '$';
      const name = named ?? braced;
      if (name === undefined) {
        bad = true;
        return '';
      }
      const value = state.env[name];
      if (value === undefined && !state.unset.has(name)) state.unset.set(name, at);
      return value ?? '';
    },
  );
  if (!bad) return out;
  state.problems.push({
    at,
    message: `${JSON.stringify(text)}: invalid interpolation: use $NAME or \${NAME}, and $$ for a literal "$"`,
  });
  return text;
}

function childPath(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return at === '' ? key : `${at}.${key}`;
}

/** Interpolates every string in `value` (recursively, values only). */
export function interpolateValue(value: unknown, at: string, state: Interpolation): unknown {
  if (typeof value === 'string') return interpolateString(value, at, state);
  if (Array.isArray(value)) return value.map((v, i) => interpolateValue(v, childPath(at, i), state));
  if (isMapping(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValue(v, childPath(at, k), state)]));
  return value;
}

/** Fills variables left without a value from the environment, as the CLI does before sending. */
export function injectEnvironment(environment: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  const set = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  if (Array.isArray(environment)) {
    return environment.map((item) =>
      typeof item === 'string' && !item.includes('=') && set(item) !== undefined ? `${item}=${set(item)}` : item,
    );
  }
  if (isMapping(environment)) {
    return Object.fromEntries(
      Object.entries(environment).map(([k, v]) => [k, (v === null || v === '') && set(k) !== undefined ? set(k) : v]),
    );
  }
  return environment;
}
