// Live updates: GET /api/events (Server-Sent Events) for the signed-in user. The browser sends the session
// cookie with it. When the stream is unavailable the caller's fallback polls instead.
import { get } from './api';

export interface DerivativeEvent {
  assetId: string;
  ownerId: string;
  kind: 'thumbnail' | 'preview' | 'video' | 'mp3' | string;
  version?: number;
  reason?: string;
}

export interface JobEvent {
  jobId: string;
  assetId: string;
  kind: string;
  state: string;
  progress: number;
}

export interface EventHandlers {
  derivativeCreated: (e: DerivativeEvent) => void;
  derivativeFailed: (e: DerivativeEvent) => void;
  jobProgressed: (e: JobEvent) => void;
  connected: (live: boolean) => void;
  notice?: (text: string) => void; // someone shared an album or their library with me
}

// album.shared {albumName, ownerName, role} / partner.added {sharedByUsername, sharedByDisplayName} as a sentence.
interface SharingEvent {
  albumName?: string;
  ownerName?: string;
  role?: string;
  sharedByUsername?: string;
  sharedByDisplayName?: string;
}

function who(e: SharingEvent): string {
  return e.ownerName || e.sharedByDisplayName || e.sharedByUsername || 'Someone';
}

export class LiveEvents {
  private source: EventSource | null = null;
  // The id of the last event received: a stream reopened by hand (after an HTTP error, perhaps on another replica
  // behind the load balancer) asks for what it missed with ?lastEventId= (EventSource's own retries send the
  // Last-Event-ID header by themselves).
  private lastEventId = '';
  private retryTimer: number | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private handlers: EventHandlers) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
  }

  private open(): void {
    if (this.stopped) return;
    const url = this.lastEventId ? `/api/events?lastEventId=${encodeURIComponent(this.lastEventId)}` : '/api/events';
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    const parse = <T>(fn: (data: T) => void) => (e: Event) => {
      const id = (e as MessageEvent).lastEventId;
      if (id) this.lastEventId = id;
      try {
        fn(JSON.parse((e as MessageEvent).data) as T);
      } catch {
        /* a malformed event is skipped */
      }
    };
    source.addEventListener('open', () => {
      this.failures = 0;
      this.handlers.connected(true);
    });
    source.addEventListener('derivative.created', parse(this.handlers.derivativeCreated));
    source.addEventListener('derivative.failed', parse(this.handlers.derivativeFailed));
    source.addEventListener('job.progressed', parse(this.handlers.jobProgressed));
    const notice = this.handlers.notice;
    if (notice) {
      source.addEventListener('album.shared', parse<SharingEvent>((e) => notice(`${who(e)} shared ${e.albumName ? `the album “${e.albumName}”` : 'an album'} with you${e.role ? ` (${e.role})` : ''}`)));
      source.addEventListener('partner.added', parse<SharingEvent>((e) => notice(`${who(e)} shares their library with you (see Sharing)`)));
    }
    source.addEventListener('error', () => {
      // EventSource retries by itself after a dropped connection; an HTTP error (401 when the access cookie
      // expired, 404 on a server without events) closes it for good: reopen with backoff, after a cheap
      // authenticated call that renews the session if (and only if) it has run out.
      if (source.readyState !== EventSource.CLOSED) return;
      this.handlers.connected(false);
      this.failures++;
      const delay = Math.min(60_000, 2000 * 2 ** Math.min(this.failures, 5));
      this.retryTimer = window.setTimeout(async () => {
        await get('/api/users/me').catch(() => undefined);
        this.open();
      }, delay);
    });
  }
}
