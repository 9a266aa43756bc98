/**
 * Deterministic role assignment names: a UUID derived from scope + principal + role, so a retried or resumed plan
 * PUTs the same name and never creates a duplicate (DESIGN.md, "Steps are idempotent").
 */
import { createHash } from 'node:crypto';

export function roleAssignmentName(scope: string, principalId: string, roleGuid: string): string {
  const h = createHash('sha256').update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleGuid.toLowerCase()}`).digest('hex');
  // Shape it as a version-5-like UUID (version nibble 5, RFC 4122 variant).
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
