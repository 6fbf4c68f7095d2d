// The browser session: sign-in sets HttpOnly cookies; this module only knows whether we are signed in, who
// we are, and when to refresh. Refreshes are serialised across tabs (Web Locks) because the refresh token
// rotates: two tabs presenting the same token at once would look like a replay and end the whole session.
import { ApiError, errorOf } from './api';
import type { User } from './types';

export interface SessionInfo {
  user: User;
  expiresIn: number;
}

let current: User | null = null;
let expiresAt = 0; // ms since epoch, when the access cookie runs out
let refreshedAt = 0; // when this tab last learned of new cookies (its own refresh or another tab's)
let timer: number | undefined;
const listeners = new Set<(user: User | null) => void>();
const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('obscura-session') : null;

channel?.addEventListener('message', (e: MessageEvent) => {
  const data = e.data as { type: string; expiresAt?: number };
  if (data.type === 'refreshed' && data.expiresAt) {
    expiresAt = data.expiresAt;
    refreshedAt = Date.now();
    schedule();
  } else if (data.type === 'signed-out') {
    setUser(null);
  }
});

export function currentUser(): User | null {
  return current;
}

export function onSessionChange(fn: (user: User | null) => void): void {
  listeners.add(fn);
}

function setUser(user: User | null): void {
  const changed = (user?.id ?? null) !== (current?.id ?? null);
  current = user;
  if (!user) {
    window.clearTimeout(timer);
    expiresAt = 0;
  }
  if (changed) listeners.forEach((fn) => fn(user));
}

// Refresh a minute before the access token ends (at least 10 s from now).
function schedule(): void {
  window.clearTimeout(timer);
  if (!current || !expiresAt) return;
  const delay = Math.max(10_000, expiresAt - Date.now() - 60_000);
  timer = window.setTimeout(() => void refreshSession(), delay);
}

function started(info: SessionInfo): void {
  refreshedAt = Date.now();
  expiresAt = refreshedAt + info.expiresIn * 1000;
  setUser(info.user);
  schedule();
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks) return locks.request('obscura-refresh', fn);
  return fn();
}

let inFlight: Promise<boolean> | null = null;

// The server sets obscura_signed_in=1 beside its HttpOnly session cookies and clears it with them: without it
// there is no refresh cookie either, and asking /api/auth/refresh would only earn a 401.
export function hasSessionCookie(): boolean {
  return document.cookie.split(';').some((c) => c.trim().startsWith('obscura_signed_in='));
}

// true when the session is (still) good. When another tab refreshed while we waited for the lock, its new
// cookies are ours too: we skip our own refresh, whose token would be the one just rotated away.
export function refreshSession(): Promise<boolean> {
  if (inFlight) return inFlight;
  if (!hasSessionCookie()) return Promise.resolve(false);
  const asked = Date.now();
  inFlight = withLock(async () => {
    if (current && refreshedAt > asked) return true;
    const res = await fetch('/api/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) {
      // The session is over (revoked, expired): forget the marker too, so the next page load asks no more.
      if (res.status === 401) document.cookie = 'obscura_signed_in=; Path=/; Max-Age=0; SameSite=Strict';
      return false;
    }
    const info = (await res.json()) as SessionInfo;
    started(info);
    channel?.postMessage({ type: 'refreshed', expiresAt });
    return true;
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

// With two-factor sign-in on, the password answers a challenge instead of a session: { mfaToken } then goes to
// verifyMfa with a code (mfa_view.ts).
export async function signIn(username: string, password: string): Promise<User | { mfaToken: string }> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, cookie: true }),
  });
  if (!res.ok) throw await errorOf(res);
  const info = (await res.json()) as SessionInfo & { mfaRequired?: boolean; mfaToken?: string };
  if (info.mfaRequired && info.mfaToken) return { mfaToken: info.mfaToken };
  started(info);
  return info.user;
}

// The second step of a sign-in: a code from the authenticator app, or a recovery code.
export async function verifyMfa(mfaToken: string, proof: { code: string } | { recoveryCode: string }): Promise<User> {
  const res = await fetch('/api/auth/mfa/verify', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ mfaToken, ...proof, cookie: true }),
  });
  if (!res.ok) throw await errorOf(res);
  const info = (await res.json()) as SessionInfo;
  started(info);
  return info.user;
}

export async function signOut(): Promise<void> {
  try {
    await fetch('/api/auth/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
  } finally {
    channel?.postMessage({ type: 'signed-out' });
    setUser(null);
  }
}

// The profile changed (name, avatar): the same user, new fields; pages read it on their next render.
export function updateUser(user: User): void {
  if (current && user.id === current.id) current = user;
}

export function signedOut(): void {
  setUser(null);
}

// At start: a session survives a reload through its cookies. One refresh tells us the user and when the
// access cookie ends; with no session cookie there is nothing to refresh, and no request is made.
export async function resumeSession(): Promise<User | null> {
  try {
    if (await refreshSession()) return current;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
  return null;
}
