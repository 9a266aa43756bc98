/**
 * Whether a cluster says it is managed by infrastructure as code: a tag naming its manager (`managed-by`,
 * `created-by`, `provisioner`, …) or a tag key or value naming a tool (Terraform, Bicep, Pulumi, azd, …). Such a
 * cluster's code must get the KMS change too: the next apply makes the cluster match the code again, and the new KMS
 * experience cannot be turned off, so that apply fails ([kms-concepts] "Limitations"; Terraform: "plan" proposes
 * the changes that make remote objects match the configuration, developer.hashicorp.com/terraform/cli/commands/plan).
 * A hint from tags only, so never a refusal.
 */
const MANAGER_KEYS = /^(managed[-_ ]?by|created[-_ ]?by|deployed[-_ ]?by|provisioned[-_ ]?by|provisioner|iac|iac[-_ ]?tool)$/i;
const TOOLS = /terraform|bicep|pulumi|crossplane|arm[-_ ]?template|azd[-_]env[-_]name|^azd$/i;

/** The first tag that names a manager or a tool, as `key=value`; undefined when none does. */
export function managedByCodeTag(tags: Readonly<Record<string, unknown>> | undefined): string | undefined {
  for (const [key, raw] of Object.entries(tags ?? {})) {
    const value = typeof raw === 'string' ? raw : '';
    if (MANAGER_KEYS.test(key) || TOOLS.test(key) || TOOLS.test(value)) {
      return `${key}=${value}`;
    }
  }
  return undefined;
}
