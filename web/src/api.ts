// JSON calls to /api. The browser's HttpOnly cookies carry the session: no token is ever visible to this code,
// and none is put in a URL or in storage. A 401 triggers one silent refresh and a retry.
import { refreshSession, signedOut } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = await res.json();
    if (body && body.error) return new ApiError(res.status, body.error.code ?? 'error', body.error.message ?? res.statusText);
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, 'http_' + res.status, `${res.status} ${res.statusText}`);
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  retryOn401?: boolean;
}

export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  let res = await fetch(path, init);
  if (res.status === 401 && options.retryOn401 !== false) {
    if (await refreshSession()) {
      res = await fetch(path, init);
    }
    if (res.status === 401) {
      signedOut();
    }
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string) => call<T>(path);
export const post = <T>(path: string, body: unknown = {}) => call<T>(path, { method: 'POST', body });
export const put = <T>(path: string, body: unknown) => call<T>(path, { method: 'PUT', body });
export const patch = <T>(path: string, body: unknown) => call<T>(path, { method: 'PATCH', body });
export const del = (path: string) => call<void>(path, { method: 'DELETE' });
