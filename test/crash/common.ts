/**
 * Shared by the two phases of the crash suite (test/harness/run-crash-test.mjs): a tiny sequential test recorder
 * (no mocha: phase 1 never finishes, it kills its own extension host) and the plan's cluster.
 */
import * as fs from 'fs';
import * as path from 'path';

export const CLUSTER = 'aks-prod-plain';

export interface TestRecord {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  err?: string;
}

/** Runs tests one after another; a failed test is recorded and the next one still runs. */
export class Recorder {
  readonly tests: TestRecord[] = [];

  constructor(private readonly resultsFile: string | undefined) {}

  async test(title: string, fn: () => Promise<void>): Promise<boolean> {
    const t0 = Date.now();
    try {
      await fn();
      this.tests.push({ title, state: 'passed', durationMs: Date.now() - t0 });
      console.log(`[crash] ok   ${title}`);
      return true;
    } catch (e) {
      const err = String((e as Error)?.stack ?? e);
      this.tests.push({ title, state: 'failed', durationMs: Date.now() - t0, err });
      console.log(`[crash] FAIL ${title}\n${err}`);
      return false;
    } finally {
      this.write();
    }
  }

  write(): void {
    if (!this.resultsFile) {
      return;
    }
    const summary = { passed: this.tests.filter(t => t.state === 'passed').length, failed: this.tests.filter(t => t.state === 'failed').length, tests: this.tests };
    fs.mkdirSync(path.dirname(this.resultsFile), { recursive: true });
    fs.writeFileSync(this.resultsFile, JSON.stringify(summary, null, 2));
  }
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/** The emulator's log entries of PUTs on the plan's cluster. */
export function clusterPuts<T extends { method: string; path: string }>(log: readonly T[]): T[] {
  return log.filter(r => r.method === 'PUT' && r.path.split('?')[0].toLowerCase().endsWith(`/managedclusters/${CLUSTER}`));
}
