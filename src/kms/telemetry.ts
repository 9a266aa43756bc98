/**
 * What telemetry may say: command usage and flow outcomes, as enumerated values and coarse numbers only. No resource
 * names, IDs, hosts, key IDs, tenants or messages ever — `telemetryProperties` builds the payload from an allow-list,
 * and `looksIdentifying` is a last guard that drops any value shaped like an identifier.
 */

export type FlowName = 'enablePmk' | 'enablePmkBulk' | 'enableCmk' | 'migrateToPmk' | 'rotateKey' | 'setRotationPolicy' | 'registerFeature';
export type FlowOutcome = 'succeeded' | 'failed' | 'cancelled' | 'blocked' | 'declined';

export type TelemetryEvent =
  | { readonly name: 'command'; readonly command: string }
  | {
      readonly name: 'flow';
      readonly flow: FlowName;
      readonly outcome: FlowOutcome;
      /** A plan step id (e.g. `updateCluster`), never its message. */
      readonly failedStep?: string;
      readonly networkAccess?: 'Public' | 'Private';
      readonly durationMs?: number;
      /** Preflight finding codes (e.g. `k8s-too-old`), never their sentences. */
      readonly findingCodes?: readonly string[];
    };

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const URLISH = /(https?:\/\/|\/subscriptions\/|\.vault\.|\.azure\.|\.cn\b|@|\d+\.\d+\.\d+\.\d+)/i;
const JWTISH = /eyJ[A-Za-z0-9_-]{5,}/;
/** Command ids, step ids and finding codes: lower camel case or kebab case, dots allowed. */
const TOKEN = /^[a-zA-Z][a-zA-Z0-9.-]{0,63}$/;

export function looksIdentifying(value: string): boolean {
  return GUID.test(value) || URLISH.test(value) || JWTISH.test(value) || !TOKEN.test(value);
}

/** Coarse duration buckets: precise timings could fingerprint a tenant's operations. */
export function durationBucket(ms: number): string {
  if (ms < 10_000) {
    return '<10s';
  }
  if (ms < 60_000) {
    return '10s-1m';
  }
  if (ms < 300_000) {
    return '1m-5m';
  }
  return ms < 900_000 ? '5m-15m' : '>15m';
}

/** The event's properties, allow-listed and guarded. */
export function telemetryProperties(event: TelemetryEvent): Record<string, string> {
  const raw: Record<string, string | undefined> =
    event.name === 'command'
      ? { command: event.command }
      : {
          flow: event.flow,
          outcome: event.outcome,
          failedStep: event.failedStep,
          networkAccess: event.networkAccess,
          duration: event.durationMs === undefined ? undefined : durationBucket(event.durationMs),
          findings: event.findingCodes?.length ? [...new Set(event.findingCodes)].sort().join(',') : undefined,
        };
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) {
      continue;
    }
    const parts = key === 'findings' ? value.split(',') : key === 'duration' ? [] : [value];
    if (parts.every(p => !looksIdentifying(p))) {
      result[key] = value;
    }
  }
  return result;
}
