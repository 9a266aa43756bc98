/** Kubernetes version checks for the KMS rules (AZURE.md: PMK and CMK with automatic rotation need ≥ 1.33). */
import { boundedMemo } from './boundedMemo';

export const MIN_KMS_KUBERNETES_VERSION = '1.33';

/** Compares dotted versions numerically ("1.9" < "1.33"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(p => parseInt(p, 10) || 0);
  const pb = b.split('.').map(p => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/**
 * Kept per version string: a fleet has a few dozen versions and asks once per cluster (10,000 clusters, ~10 ms a load
 * of the fleet without it).
 */
const newKmsSupportedBy = boundedMemo(version => compareVersions(version, MIN_KMS_KUBERNETES_VERSION) >= 0, 1000);

export function supportsNewKms(kubernetesVersion: string | undefined): boolean {
  return kubernetesVersion !== undefined && newKmsSupportedBy(kubernetesVersion);
}
