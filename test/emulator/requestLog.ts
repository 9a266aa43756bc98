// The request log of GET /_emulator/requests: what tests inspect to prove a call (or its absence).
export interface RequestLogEntry {
  readonly method: string;
  /** Path (with `//` collapsed) and query as the client sent them. */
  readonly path: string;
  readonly status: number;
  /** ISO timestamp (wall clock). */
  readonly at: string;
  /** `127.0.0.1:<port>`: which listener (ARM or a vault) served it. */
  readonly host: string;
  /**
   * The call may have changed state: any method but GET/HEAD/OPTIONS, except POSTs that only read
   * (Resource Graph queries, checkNameAvailability, Key Vault crypto operations). Lets tests assert
   * "wrote nothing" without listing the read-only POSTs themselves.
   */
  readonly write: boolean;
  /** The If-Match header, when sent: shows which eTag a conditional write was based on. */
  readonly ifMatch?: string;
  /**
   * Set when the path had an empty segment inside it (`/a//b`, not the leading `//` of the SDKs' scope-based
   * calls): ARM does not resolve such a path the way its author meant, so tests can assert none was sent.
   */
  readonly emptySegment?: true;
  /** A `lostResponse` fault: the service served the request (`status` is its answer) but the client never got it. */
  readonly responseLost?: true;
  /** Which TLS connection carried it (numbered as connections open): tests see whether clients reuse connections. */
  readonly connection?: number;
}

const connectionIds = new WeakMap<object, number>();
let lastConnectionId = 0;

/** The number of the connection a request arrived on (the same socket, the same number). */
export function connectionIdOf(socket: object): number {
  let id = connectionIds.get(socket);
  if (id === undefined) {
    id = ++lastConnectionId;
    connectionIds.set(socket, id);
  }
  return id;
}

/** Enough for a benchmark run over a 10,000-cluster fleet (one GET per cluster and then some). */
const MAX_ENTRIES = 100_000;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** POST endpoints that query or compute and change nothing. */
const READ_ONLY_POST = /(\/providers\/Microsoft\.ResourceGraph\/resources|\/checkNameAvailability|\/(encrypt|decrypt|wrapkey|unwrapkey|sign|verify))(\?|$)/i;

export function isWriteMethod(method: string): boolean {
  return !READ_METHODS.has(method.toUpperCase());
}

/** Whether a request (method + path, query allowed) may have changed state. */
export function isWriteRequest(method: string, path: string): boolean {
  if (!isWriteMethod(method)) return false;
  return !(method.toUpperCase() === 'POST' && READ_ONLY_POST.test(path));
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: Omit<RequestLogEntry, 'write'>): void {
    this.entries.push({ ...entry, write: isWriteRequest(entry.method, entry.path) });
    // Bound memory in long `npm start` sessions; tests clear the log long before this. Trim a tenth at a time,
    // so a full log does not move 100,000 entries on every request.
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES + MAX_ENTRIES / 10);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
