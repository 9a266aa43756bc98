/**
 * Crash suite, phase 2 (extensionTestsPath = dist/test/crash/phase2.js): code-server and the browser were restarted
 * on the profile whose extension host phase 1 killed mid-plan. Checks what a user finds after such a crash — the
 * journal entry, the tree's "plan interrupted, resumable", Resume — and that resuming finishes the plan without
 * writing anything twice. Results go to EXT_TEST_RESULTS `{passed, failed, tests:[{title, state, err?}]}`.
 *
 * Environment: CRASH_PHASE1 (phase 1's marker JSON: the emulator's write count when the host died),
 * CRASH_UI_CHECKED (written by the runner once it has looked for the restart notification in the page),
 * CRASH_UPDATE_MS (the emulator's cluster update duration).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { AksKmsApi } from '../../src/extension';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, extensionApi, signedInApi, waitFor } from '../extension/helpers';
import { CLUSTER, clusterPuts, Recorder } from './common';

interface ResumeResult {
  status: string;
  securityProfile?: { kubernetesResourceObjectEncryptionProfile?: unknown };
}

export async function run(): Promise<void> {
  const rec = new Recorder(process.env.EXT_TEST_RESULTS);
  const admin = emulatorAdmin(readEmulatorInfo());
  const phase1 = JSON.parse(fs.readFileSync(process.env.CRASH_PHASE1 ?? '', 'utf8')) as { writes: number };
  const updateMs = Number(process.env.CRASH_UPDATE_MS);
  let api: AksKmsApi | undefined;
  let clusterId = '';

  await rec.test('after the restart the journal still holds the plan, status running, updateCluster running', async () => {
    const raw = await extensionApi(); // activation reads the journal from global state; no sign-in needed for that
    const entry = raw.journal.entries().find(e => e.clusterName === CLUSTER);
    assert.ok(entry, `no journal entry for ${CLUSTER}; entries: ${JSON.stringify(raw.journal.entries())}`);
    assert.strictEqual(entry.status, 'running');
    assert.strictEqual(entry.steps.updateCluster, 'running', `steps: ${JSON.stringify(entry.steps)}`);
    assert.strictEqual(entry.config.kind, 'pmk');
    clusterId = entry.clusterId;
  });

  await rec.test('the tree shows the cluster as "PMK · plan interrupted, resumable" (the accepted update already shows)', async () => {
    api = await signedInApi();
    const node = await clusterByName(api, CLUSTER);
    const item = api.tree.getTreeItem(node);
    assert.strictEqual(item.description, 'PMK · plan interrupted, resumable');
    assert.match(item.contextValue ?? '', /;resumable$/);
    assert.ok(api.journal.resumable(node.facts.id), 'journal.resumable() has the entry');
  });

  // The runner looks for the restart notification in the page; resuming only after that keeps its toast in view.
  await waitFor('the runner to check the notification', () => (fs.existsSync(process.env.CRASH_UI_CHECKED ?? '') || undefined), 30_000).catch(() => undefined);

  await rec.test('Resume while Azure is still applying the interrupted update is refused (blocked) and writes nothing', async () => {
    assert.ok(clusterId, 'no journal entry to resume (see the first test)');
    api ??= await signedInApi();
    const before = (await admin.requests({ write: true })).length;
    const r = await vscode.commands.executeCommand<ResumeResult>('aksKms.resumePlan', clusterId, false);
    assert.strictEqual(r?.status, 'blocked');
    assert.strictEqual((await admin.requests({ write: true })).length, before, 'no write while blocked');
    assert.ok(api.journal.resumable(clusterId), 'still resumable');
  });

  await rec.test('once the update has finished, Resume succeeds with infrastructure encryption Enabled and no second PUT', async () => {
    assert.ok(clusterId, 'no journal entry to resume (see the first test)');
    api ??= await signedInApi();
    // The operation phase 1 started finishes when its time is up: move the emulator clock past it.
    await admin.advanceClock(updateMs + 1000);
    const r = await vscode.commands.executeCommand<ResumeResult>('aksKms.resumePlan', clusterId, false);
    assert.strictEqual(r?.status, 'succeeded');
    assert.deepStrictEqual(r.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    const writes = await admin.requests({ write: true });
    assert.strictEqual(clusterPuts(writes).length, 1, `exactly the one cluster PUT of phase 1: ${JSON.stringify(clusterPuts(writes))}`);
    assert.strictEqual(writes.length, phase1.writes, `no write since the crash: ${JSON.stringify(writes.slice(phase1.writes))}`);
  });

  await rec.test('after Resume the journal entry is gone and the tree shows plain "PMK"', async () => {
    assert.ok(clusterId, 'no journal entry was resumed (see the first test)');
    api ??= await signedInApi();
    assert.strictEqual(api.journal.resumable(clusterId), undefined);
    assert.strictEqual(api.journal.entries().length, 0, JSON.stringify(api.journal.entries()));
    const node = await clusterByName(api, CLUSTER);
    const item = api.tree.getTreeItem(node);
    assert.strictEqual(item.description, 'PMK');
    assert.doesNotMatch(item.contextValue ?? '', /resumable/);
  });

  rec.write();
  const failed = rec.tests.filter(t => t.state === 'failed').length;
  if (failed) {
    throw new Error(`${failed} crash test(s) failed`);
  }
}
