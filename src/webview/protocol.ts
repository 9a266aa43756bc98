/**
 * The one message contract between the CMK wizard's webview (src/webview) and its host (src/views/wizard).
 * Plain data only. Every message from the webview is validated with `parseWebviewMessage` before use: the webview is
 * untrusted input like any other.
 */

export type NetworkAccess = 'Public' | 'Private';

/** The form as the webview submits it. */
export interface WizardForm {
  readonly networkAccess: NetworkAccess;
  readonly vault: { readonly kind: 'new'; readonly name: string; readonly resourceGroup: string; readonly location: string } | { readonly kind: 'existing'; readonly id: string };
  readonly key: { readonly kind: 'new' | 'existing'; readonly name: string };
  readonly identity: { readonly kind: 'new'; readonly name: string; readonly resourceGroup: string; readonly location: string } | { readonly kind: 'existing'; readonly id: string };
  readonly enablePurgeProtection: boolean;
}

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'check'; readonly form: WizardForm }
  | { readonly type: 'run'; readonly form: WizardForm; readonly confirmedIrreversible: true }
  | { readonly type: 'cancel' }
  | { readonly type: 'copyScript' }
  /** Export the checked plan as infrastructure as code (the host asks for the format and opens an editor). */
  | { readonly type: 'exportIac' }
  /** Copy the follow-up command the host sent with `finished` (the host copies its own text, not the webview's). */
  | { readonly type: 'copyFollowUp' }
  | { readonly type: 'close' };

export interface ClusterSummary {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly stateLabel: string;
  readonly identityLabel: string;
}

export interface Choice {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
}

export interface FindingView {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
}

export interface StepView {
  readonly id: string;
  readonly title: string;
  readonly alreadyDone: boolean;
  readonly irreversible: boolean;
  /** What the step does, shown under its title (e.g. what locking the firewall changes). */
  readonly description?: string;
}

/** Something the user should do after the run, with the command to copy (e.g. rewriting Secrets after legacy KMS). */
export interface FollowUpView {
  readonly message: string;
  readonly command: string;
}

export type StepStatusView = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export type HostToWebview =
  | {
      readonly type: 'init';
      readonly cluster: ClusterSummary;
      readonly defaults: WizardForm;
      readonly vaults: readonly Choice[];
      readonly identities: readonly Choice[];
      readonly l10n?: Record<string, string>;
    }
  | { readonly type: 'checking' }
  | { readonly type: 'checked'; readonly findings: readonly FindingView[]; readonly steps: readonly StepView[]; readonly script: string; readonly blocked: boolean }
  | { readonly type: 'step'; readonly stepId: string; readonly status: StepStatusView; readonly message?: string }
  | { readonly type: 'finished'; readonly status: 'succeeded' | 'failed' | 'cancelled'; readonly message?: string; readonly securityProfile?: string; readonly followUp?: FollowUpView }
  | { readonly type: 'error'; readonly message: string };

// ---- validation of untrusted input from the webview ----

type Parse<T> = { ok: true; value: T } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown, max = 1024): v is string => typeof v === 'string' && v.length <= max;

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): string | undefined {
  const extra = Object.keys(o).filter(k => !allowed.includes(k));
  return extra.length ? `${where} has unknown field(s): ${extra.join(', ')}` : undefined;
}

function parseNewOrExisting(v: unknown, where: string): string | undefined {
  if (!isObject(v)) {
    return `${where} must be an object`;
  }
  if (v.kind === 'new') {
    return onlyKeys(v, ['kind', 'name', 'resourceGroup', 'location'], where)
      ?? (isString(v.name, 128) && isString(v.resourceGroup, 90) && isString(v.location, 64) ? undefined : `${where} needs name, resourceGroup and location strings`);
  }
  if (v.kind === 'existing') {
    return onlyKeys(v, ['kind', 'id'], where) ?? (isString(v.id, 1024) ? undefined : `${where}.id must be a string`);
  }
  return `${where}.kind must be "new" or "existing"`;
}

export function parseWizardForm(v: unknown): Parse<WizardForm> {
  if (!isObject(v)) {
    return { ok: false, error: 'form must be an object' };
  }
  const problem =
    onlyKeys(v, ['networkAccess', 'vault', 'key', 'identity', 'enablePurgeProtection'], 'form') ??
    (v.networkAccess === 'Public' || v.networkAccess === 'Private' ? undefined : 'form.networkAccess must be Public or Private') ??
    parseNewOrExisting(v.vault, 'form.vault') ??
    (isObject(v.key) && (v.key.kind === 'new' || v.key.kind === 'existing') && isString(v.key.name, 127) && !onlyKeys(v.key, ['kind', 'name'], 'form.key')
      ? undefined
      : 'form.key must be {kind: "new"|"existing", name}') ??
    parseNewOrExisting(v.identity, 'form.identity') ??
    (typeof v.enablePurgeProtection === 'boolean' ? undefined : 'form.enablePurgeProtection must be a boolean');
  return problem ? { ok: false, error: problem } : { ok: true, value: v as unknown as WizardForm };
}

export function parseWebviewMessage(v: unknown): Parse<WebviewToHost> {
  if (!isObject(v) || typeof v.type !== 'string') {
    return { ok: false, error: 'a message must be an object with a string "type"' };
  }
  switch (v.type) {
    case 'ready':
    case 'cancel':
    case 'copyScript':
    case 'exportIac':
    case 'copyFollowUp':
    case 'close': {
      const extra = onlyKeys(v, ['type'], v.type);
      return extra ? { ok: false, error: extra } : { ok: true, value: { type: v.type } };
    }
    case 'check': {
      const extra = onlyKeys(v, ['type', 'form'], 'check');
      const form = parseWizardForm(v.form);
      return extra ? { ok: false, error: extra } : form.ok ? { ok: true, value: { type: 'check', form: form.value } } : form;
    }
    case 'run': {
      const extra = onlyKeys(v, ['type', 'form', 'confirmedIrreversible'], 'run');
      if (extra) {
        return { ok: false, error: extra };
      }
      if (v.confirmedIrreversible !== true) {
        return { ok: false, error: 'run needs confirmedIrreversible: true' };
      }
      const form = parseWizardForm(v.form);
      return form.ok ? { ok: true, value: { type: 'run', form: form.value, confirmedIrreversible: true } } : form;
    }
    default:
      return { ok: false, error: `unknown message type "${v.type.slice(0, 40)}"` };
  }
}
