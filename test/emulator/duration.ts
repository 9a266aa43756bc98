// ISO 8601 durations as Key Vault rotation policies use them (P90D, P1Y, P3M, PT48H, P1Y10D).
// Why approximate months and years: Key Vault documents P1Y and P3M without calendar rules, and the
// emulator only needs "how long after creation", so a year is 365 days and a month 30.
const DAY_MS = 24 * 60 * 60 * 1000;
const UNITS_DATE: Record<string, number> = { Y: 365 * DAY_MS, M: 30 * DAY_MS, W: 7 * DAY_MS, D: DAY_MS };
const UNITS_TIME: Record<string, number> = { H: 60 * 60 * 1000, M: 60 * 1000, S: 1000 };

/** Milliseconds of an ISO 8601 duration, or undefined when `text` is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, y, mo, w, d, h, mi, s] = m;
  let ms = 0;
  ms += Number(y ?? 0) * UNITS_DATE.Y + Number(mo ?? 0) * UNITS_DATE.M + Number(w ?? 0) * UNITS_DATE.W + Number(d ?? 0) * UNITS_DATE.D;
  ms += Number(h ?? 0) * UNITS_TIME.H + Number(mi ?? 0) * UNITS_TIME.M + Number(s ?? 0) * UNITS_TIME.S;
  return ms;
}

export const DAYS = (n: number) => n * DAY_MS;
