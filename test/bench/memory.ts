/**
 * Scenario 4, memory: heap retained by the loaded fleet, measured in a fresh node process (`--expose-gc`) so nothing
 * else the bench did is on the heap. It loads the fleet the way the tree does (FleetService, every visible
 * subscription) and keeps what the tree keeps — the subscriptions and every cluster's facts by subscription
 * (src/views/fleetTree.ts `clustersBySubscription`) — then collects garbage and compares with before.
 * This is the FleetService data only; the extension host's own measurement (activate, code loaded) is separate.
 *
 * Run by main.ts: `node --expose-gc --import tsx test/bench/memory.ts <subscription count>`; prints one JSON line.
 */
import { FleetService } from '../../src/azure/fleetService';
import type { ClusterFacts } from '../../src/kms/kmsState';
import { benchContext } from './azure';
import { generatedSubscriptions } from './fleet';

const gc = (globalThis as { gc?: () => void }).gc;

function collect(): number {
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const subscriptionCount = Number(process.argv[2] ?? 200);
  const ctx = benchContext();
  // Load the modules and warm the clients first, so the "before" heap already holds the code.
  await new FleetService(ctx).listSubscriptions();
  const before = collect();
  const rssBefore = process.memoryUsage().rss;

  let peakHeap = before;
  const service = new FleetService(ctx);
  const subscriptions = (await service.listSubscriptions()).filter(generatedSubscriptions(subscriptionCount));
  const tree = new Map<string, Map<string, { kind: 'cluster'; facts: ClusterFacts }>>();
  const facts = await service.loadClusters(
    subscriptions.map((s) => s.subscriptionId),
    {
      onClusters: (clusters) => {
        for (const f of clusters) {
          const key = f.subscriptionId.toLowerCase();
          let map = tree.get(key);
          if (!map) tree.set(key, (map = new Map()));
          map.set(f.id.toLowerCase(), { kind: 'cluster', facts: f });
        }
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      },
    },
  );
  const after = collect();
  const clusters = [...tree.values()].reduce((n, m) => n + m.size, 0);
  process.stdout.write(
    `${JSON.stringify({
      clusters,
      subscriptions: subscriptions.length,
      retainedHeapBytes: after - before,
      peakHeapGrowthBytes: peakHeap - before,
      rssGrowthBytes: process.memoryUsage().rss - rssBefore,
      bytesPerCluster: Math.round((after - before) / Math.max(1, clusters)),
      // Keep the data alive until after the measurement.
      kept: facts.length + subscriptions.length,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
