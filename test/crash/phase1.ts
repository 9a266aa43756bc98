/**
 * Crash suite, phase 1 (extensionTestsPath = dist/test/crash/phase1.js, loaded by test/harness/run-crash-test.mjs).
 *
 * Signs in, prepares a PMK plan on aks-prod-plain and starts it through the journal without awaiting it. Once the
 * plan reports `updateCluster: running` and the emulator has accepted the cluster PUT (the update is an LRO the
 * runner made long), the extension host is in the middle of the plan: it writes the marker file (CRASH_MARKER) and
 * kills its own process with SIGKILL — no deactivate, no dispose, nothing gets a chance to clean up.
 * The runner then checks that the journal reached VS Code's storage and starts phase 2 on the same profile.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, signedInApi, waitFor } from '../extension/helpers';
import { CLUSTER, clusterPuts } from './common';

function mark(marker: string, data: Record<string, unknown>): void {
  fs.writeFileSync(`${marker}.tmp`, JSON.stringify(data));
  fs.renameSync(`${marker}.tmp`, marker);
}

export async function run(): Promise<void> {
  const marker = process.env.CRASH_MARKER;
  if (!marker) {
    throw new Error('CRASH_MARKER is not set');
  }
  try {
    const admin = emulatorAdmin(readEmulatorInfo());
    const api = await signedInApi();
    const node = await clusterByName(api, CLUSTER);
    const azure = api.account.context!;
    const clusters = new ManagedClustersAdapter(azure);
    const prepared = await prepareEnable(azure, clusters, { kind: 'pmk', clusterId: node.facts.id });
    if (prepared.blocked) {
      throw new Error(`the PMK plan on ${CLUSTER} is blocked: ${prepared.findings.map(f => f.message).join(' ')}`);
    }

    let updateRunning = false;
    let planEnded: string | undefined;
    // Not awaited: the plan is still running when this host dies.
    api.journal
      .run(node.facts.name, clusters, prepared, e => {
        console.log(`[crash] step ${e.stepId}: ${e.status}`);
        if (e.stepId === 'updateCluster' && e.status === 'running') {
          updateRunning = true;
        }
      })
      .then(
        o => (planEnded = `the plan ended (${o.result.status}) before the host was killed`),
        e => (planEnded = `the plan threw before the host was killed: ${String(e)}`),
      );
    await waitFor('updateCluster: running', () => (planEnded ? Promise.reject(new Error(planEnded)) : updateRunning || undefined), 30_000);
    // Die while the cluster update is in flight: the emulator accepted the PUT and the product polls its operation.
    const put = await waitFor('the emulator to accept the cluster PUT', async () => clusterPuts(await admin.requests({ write: true })).find(r => r.status < 300), 30_000);
    if (planEnded) {
      throw new Error(planEnded);
    }
    // One round trip to the workbench: RPC messages are handled in order, so the journal's memento write (queued
    // before this call) has reached VS Code's storage service when the answer comes back.
    await vscode.commands.getCommands(true);
    const writes = await admin.requests({ write: true });
    mark(marker, { ok: true, pid: process.pid, putAt: put.at, writes: writes.length, at: new Date().toISOString() });
    console.log(`[crash] killing the extension host (pid ${process.pid}) with SIGKILL`);
  } catch (e) {
    mark(marker, { ok: false, error: String((e as Error)?.stack ?? e) });
    throw e;
  }
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => undefined); // never returns
}
