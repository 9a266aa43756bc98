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
}

const MAX_ENTRIES = 10_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    // Bound memory in long `npm start` sessions; tests clear the log long before this.
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
