/** Parsing of Azure Resource Manager resource IDs (`/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}`). */

export interface ArmResourceId {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly provider: string;
  readonly type: string;
  readonly name: string;
}

const ARM_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i;

/** Parses a top-level resource ID; returns undefined for anything else (nested or malformed IDs). */
export function parseArmId(id: string): ArmResourceId | undefined {
  const m = ARM_ID.exec(id.trim());
  if (!m) {
    return undefined;
  }
  return { id: id.trim(), subscriptionId: m[1], resourceGroup: m[2], provider: m[3], type: m[4], name: m[5] };
}

/** ARM IDs compare case-insensitively (Azure returns resource group names in varying case). */
export function sameArmId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
