// The page's calls to the façade: the token from the tab's sessionStorage sent as a bearer
// token on each request (no cookie, so nothing a foreign page can make the browser send).
const TOKEN_KEY = 'longshore.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim().replace(/^Bearer\s+/i, ''));
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A refusal from the façade: its status and its `{"error": ...}` message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

/** A JSON call; the response's headers too, for the action URI of a write. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<{ json: T; headers: Headers }> {
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(response.status, json.error ?? `${response.status} ${response.statusText}`);
  return { json, headers: response.headers };
}

export const get = async <T>(path: string): Promise<T> => (await call<T>('GET', path)).json;

export const stackApi = (namespace: string) => `/api/app/v1/${encodeURIComponent(namespace)}/stack/`;
export const uiApi = (namespace: string) => `/ui/api/${encodeURIComponent(namespace)}/`;
