/**
 * A key's rotation policy as plain data, the checks on what a user types into "Set rotation policy…", and the
 * conversions to and from Key Vault's two shapes: the data-plane SDK's (`@azure/keyvault-keys`: `expiresIn` and flat
 * lifetime actions) and the REST/ARM one (`attributes.expiryTime`, `trigger`/`action.type`; ARM writes the action
 * type in lower case). Both shapes are declared structurally here: the domain imports no SDK.
 *
 * Key Vault's limits (docs "Configure key auto-rotation"; the emulator enforces the same): new versions expire at
 * least 28 days after creation; rotation happens at least 7 days after creation and at least 7 days before expiry;
 * a notification before expiry needs an expiry time. Those are refused by the form. What no page or spec sets as a limit
 * (an empty policy, a late or pointless notification) is only asked about before the policy is set (rotationPolicyRisks).
 */
import * as l10n from '@vscode/l10n';
import { daysDuration, describeIsoDuration, isoDurationMs, parseIsoDuration } from './isoDuration';

export interface RotationPolicy {
  /** Rotate automatically this long after a version is created (ISO 8601 duration). */
  readonly rotateAfterCreate?: string;
  /** Rotate automatically this long before a version expires. */
  readonly rotateBeforeExpiry?: string;
  /** New versions expire this long after creation (`expiryTime`; it does not change existing versions). */
  readonly expiresAfter?: string;
  /** Event Grid "near expiry" notification this long before a version expires. */
  readonly notifyBeforeExpiry?: string;
  /** When the policy was set; undefined for Key Vault's default policy (never set on this key). */
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
}

export const MIN_ROTATE_AFTER_DAYS = 7;
export const MIN_EXPIRY_DAYS = 28;
/** Key Vault rotates at least this long before a version expires. */
export const MIN_ROTATE_BEFORE_EXPIRY_DAYS = 7;
/**
 * Product advice, not a service limit (no page or spec sets one): a near-expiry notification later than a week before
 * expiry leaves little time to act, so setting one is asked about (the same 7 days Key Vault uses for rotation triggers).
 */
export const MIN_NOTIFY_DAYS = 7;

const DAY_MS = 24 * 60 * 60 * 1000;

// ---- the user's input ---------------------------------------------------------------------------------------

/** What the "Set rotation policy…" form collects. Each value is a number of days ("90") or an ISO 8601 duration ("P3M"); empty means "not set". */
export interface RotationPolicyInput {
  readonly rotateAfter?: string | number;
  readonly expiresAfter?: string | number;
  readonly notifyBeforeExpiry?: string | number;
}

export interface PolicyProblem {
  readonly field: keyof RotationPolicyInput;
  readonly message: string;
}

export type PolicyValidation = { readonly ok: true; readonly policy: RotationPolicy } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** The form's field names as the problems quote them (a function: the bundle is configured after module load). */
function fieldLabel(field: keyof RotationPolicyInput): string {
  switch (field) {
    case 'rotateAfter':
      return l10n.t('Rotate after');
    case 'expiresAfter':
      return l10n.t('Expires after');
    case 'notifyBeforeExpiry':
      return l10n.t('Notify before expiry');
  }
}

/** A typed value as an ISO duration: whole days become `P{n}D`; undefined when empty; a problem sentence when neither. */
function durationOf(field: keyof RotationPolicyInput, raw: string | number | undefined): { value?: string; problem?: PolicyProblem } {
  const text = typeof raw === 'number' ? String(raw) : (raw ?? '').trim();
  if (text === '') {
    return {};
  }
  if (/^\d+$/.test(text)) {
    return { value: daysDuration(Number(text)) };
  }
  if (parseIsoDuration(text)) {
    return { value: text.toUpperCase() };
  }
  // rule: policy-not-a-duration
  return { problem: { field, message: l10n.t('{0} "{1}" is not a number of days or an ISO 8601 duration; enter e.g. 90, P90D, P3M or P1Y.', fieldLabel(field), text) } };
}

const daysText = (ms: number) => l10n.t('{0} days', Math.round((ms / DAY_MS) * 100) / 100);

/** Checks the form against Key Vault's limits before anything is written; every problem says how to fix it. */
export function validateRotationPolicyInput(input: RotationPolicyInput): PolicyValidation {
  const problems: PolicyProblem[] = [];
  const rotate = durationOf('rotateAfter', input.rotateAfter);
  const expiry = durationOf('expiresAfter', input.expiresAfter);
  const notify = durationOf('notifyBeforeExpiry', input.notifyBeforeExpiry);
  for (const p of [rotate.problem, expiry.problem, notify.problem]) {
    if (p) {
      problems.push(p);
    }
  }
  const rotateMs = rotate.value !== undefined ? isoDurationMs(rotate.value)! : undefined;
  const expiryMs = expiry.value !== undefined ? isoDurationMs(expiry.value)! : undefined;
  const notifyMs = notify.value !== undefined ? isoDurationMs(notify.value)! : undefined;

  // rule: policy-min-rotate-after
  if (rotateMs !== undefined && rotateMs < MIN_ROTATE_AFTER_DAYS * DAY_MS) {
    problems.push({ field: 'rotateAfter', message: l10n.t('Rotate after is {0}; Key Vault needs at least {1} days. Enter {1} or more.', daysText(rotateMs), MIN_ROTATE_AFTER_DAYS) });
  }
  // rule: policy-min-expiry
  if (expiryMs !== undefined && expiryMs < MIN_EXPIRY_DAYS * DAY_MS) {
    problems.push({ field: 'expiresAfter', message: l10n.t('Expires after is {0}; Key Vault needs at least {1} days (P28D). Enter {1} or more.', daysText(expiryMs), MIN_EXPIRY_DAYS) });
  }
  // rule: policy-rotate-before-expiry
  if (rotateMs !== undefined && expiryMs !== undefined && expiryMs - rotateMs < MIN_ROTATE_BEFORE_EXPIRY_DAYS * DAY_MS) {
    problems.push({
      field: 'rotateAfter',
      message: l10n.t('Rotate after ({0}) must be at least {1} days shorter than Expires after ({2}), so a new version exists before the current one expires. Rotate sooner or let versions live longer.', daysText(rotateMs), MIN_ROTATE_BEFORE_EXPIRY_DAYS, daysText(expiryMs)),
    });
  }
  if (notifyMs !== undefined) {
    // rule: policy-notify-needs-expiry
    if (expiryMs === undefined && !expiry.problem) {
      problems.push({ field: 'notifyBeforeExpiry', message: l10n.t('A notification before expiry needs an expiry: set Expires after, or clear Notify before expiry.') });
    }
  }
  if (problems.length) {
    return { ok: false, problems };
  }
  return { ok: true, policy: { rotateAfterCreate: rotate.value, expiresAfter: expiry.value, notifyBeforeExpiry: notify.value } };
}

/** A policy Key Vault accepts that can still take a cluster down; asked about before it is set. */
export interface PolicyRisk {
  readonly code: 'policy-expiry-without-rotation' | 'policy-empty' | 'policy-min-notify' | 'policy-notify-before-expiry';
  readonly severity: 'warning';
  readonly message: string;
}

/**
 * What a policy Key Vault accepts can still get wrong, asked about before it is set (never refused: no page or spec
 * makes these limits). With an expiry and no automatic rotation, every new version expires and nothing replaces it:
 * once the version in use expires, AKS cannot encrypt Secrets (and a rotation made late leaves AKS on the expired
 * version for up to 6 hours). An empty policy turns automatic rotation off. A notification later than a week before
 * expiry leaves little time to act, and one due no earlier than the version's creation warns of nothing.
 */
export function rotationPolicyRisks(policy: RotationPolicy, keyName: string): PolicyRisk[] {
  const risks: PolicyRisk[] = [];
  const rotates = Boolean(policy.rotateAfterCreate || policy.rotateBeforeExpiry);
  if (policy.expiresAfter && !rotates) {
    risks.push({
      code: 'policy-expiry-without-rotation', severity: 'warning',
      message: l10n.t('New versions of {0} will expire after {1}, but nothing rotates the key: once the version AKS uses expires, the cluster cannot encrypt Secrets. Set "Rotate after" too (at least 7 days before the expiry), or rotate by hand well ahead of it.', keyName, describeIsoDuration(policy.expiresAfter)),
    });
  }
  if (!rotates && !policy.expiresAfter && !policy.notifyBeforeExpiry) {
    risks.push({
      code: 'policy-empty', severity: 'warning',
      message: l10n.t('This policy sets no automatic rotation, no expiry and no near-expiry event for {0}: it replaces the current policy, and the key keeps its current version until someone rotates it. AKS KMS warns when the version in use is older than the maximum age; rotate by hand before then, or set "Rotate after".', keyName),
    });
  }
  const notifyMs = policy.notifyBeforeExpiry ? isoDurationMs(policy.notifyBeforeExpiry) : undefined;
  const expiryMs = policy.expiresAfter ? isoDurationMs(policy.expiresAfter) : undefined;
  if (notifyMs !== undefined && notifyMs < MIN_NOTIFY_DAYS * DAY_MS) {
    risks.push({
      code: 'policy-min-notify', severity: 'warning',
      message: l10n.t('The near-expiry event for {0} comes only {1} before a version expires, which leaves little time to rotate by hand; {2} days or more is safer.', keyName, describeIsoDuration(policy.notifyBeforeExpiry!), MIN_NOTIFY_DAYS),
    });
  }
  if (notifyMs !== undefined && expiryMs !== undefined && notifyMs >= expiryMs) {
    risks.push({
      code: 'policy-notify-before-expiry', severity: 'warning',
      message: l10n.t('The near-expiry event for {0} is set {1} before expiry, but versions expire {2} after creation: it would be due when a version is created (or earlier), so it warns of nothing ahead of the expiry. Make it shorter than the expiry.', keyName, describeIsoDuration(policy.notifyBeforeExpiry!), describeIsoDuration(policy.expiresAfter!)),
    });
  }
  return risks;
}

/** The form's initial values from the key's current policy (durations kept as Key Vault shows them). */
export function rotationPolicyInputOf(policy: RotationPolicy | undefined): RotationPolicyInput {
  return { rotateAfter: policy?.rotateAfterCreate ?? '', expiresAfter: policy?.expiresAfter ?? '', notifyBeforeExpiry: policy?.notifyBeforeExpiry ?? '' };
}

// ---- Key Vault's shapes -----------------------------------------------------------------------------------------

/** `@azure/keyvault-keys` `KeyRotationPolicy` / `KeyRotationPolicyProperties`, structurally. */
export interface SdkRotationPolicyShape {
  readonly expiresIn?: string;
  readonly lifetimeActions?: readonly { readonly timeAfterCreate?: string; readonly timeBeforeExpiry?: string; readonly action: 'Rotate' | 'Notify' }[];
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
}

/** The REST body (`PUT {vault}/keys/{n}/rotationpolicy`) and ARM's `properties.rotationPolicy`; times in Unix seconds. */
export interface ArmRotationPolicyShape {
  readonly attributes?: { readonly expiryTime?: string; readonly created?: number; readonly updated?: number };
  readonly lifetimeActions?: readonly { readonly trigger?: { readonly timeAfterCreate?: string; readonly timeBeforeExpiry?: string }; readonly action?: { readonly type?: string } }[];
}

interface FlatAction {
  readonly type: 'Rotate' | 'Notify';
  readonly timeAfterCreate?: string;
  readonly timeBeforeExpiry?: string;
}

function fromActions(actions: readonly FlatAction[], expiresAfter: string | undefined, createdOn?: Date, updatedOn?: Date): RotationPolicy {
  const rotate = actions.find(a => a.type === 'Rotate');
  const notify = actions.find(a => a.type === 'Notify');
  return {
    ...(rotate?.timeAfterCreate ? { rotateAfterCreate: rotate.timeAfterCreate } : {}),
    ...(rotate?.timeBeforeExpiry ? { rotateBeforeExpiry: rotate.timeBeforeExpiry } : {}),
    ...(expiresAfter ? { expiresAfter } : {}),
    ...(notify?.timeBeforeExpiry ? { notifyBeforeExpiry: notify.timeBeforeExpiry } : {}),
    ...(createdOn ? { createdOn } : {}),
    ...(updatedOn ? { updatedOn } : {}),
  };
}

function toActions(policy: RotationPolicy): FlatAction[] {
  const actions: FlatAction[] = [];
  if (policy.rotateAfterCreate) {
    actions.push({ type: 'Rotate', timeAfterCreate: policy.rotateAfterCreate });
  } else if (policy.rotateBeforeExpiry) {
    actions.push({ type: 'Rotate', timeBeforeExpiry: policy.rotateBeforeExpiry });
  }
  if (policy.notifyBeforeExpiry) {
    actions.push({ type: 'Notify', timeBeforeExpiry: policy.notifyBeforeExpiry });
  }
  return actions;
}

const actionType = (raw: string | undefined): 'Rotate' | 'Notify' | undefined =>
  /^rotate$/i.test(raw ?? '') ? 'Rotate' : /^notify$/i.test(raw ?? '') ? 'Notify' : undefined;

export function fromSdkPolicy(p: SdkRotationPolicyShape): RotationPolicy {
  const actions = (p.lifetimeActions ?? []).flatMap(a => {
    const type = actionType(a.action);
    return type ? [{ type, timeAfterCreate: a.timeAfterCreate, timeBeforeExpiry: a.timeBeforeExpiry }] : [];
  });
  return fromActions(actions, p.expiresIn, p.createdOn, p.updatedOn);
}

export function toSdkPolicy(policy: RotationPolicy): { expiresIn?: string; lifetimeActions: { timeAfterCreate?: string; timeBeforeExpiry?: string; action: 'Rotate' | 'Notify' }[] } {
  return {
    ...(policy.expiresAfter ? { expiresIn: policy.expiresAfter } : {}),
    lifetimeActions: toActions(policy).map(a => ({
      ...(a.timeAfterCreate ? { timeAfterCreate: a.timeAfterCreate } : {}),
      ...(a.timeBeforeExpiry ? { timeBeforeExpiry: a.timeBeforeExpiry } : {}),
      action: a.type,
    })),
  };
}

export function fromArmPolicy(p: ArmRotationPolicyShape): RotationPolicy {
  const actions = (p.lifetimeActions ?? []).flatMap(a => {
    const type = actionType(a.action?.type);
    return type ? [{ type, timeAfterCreate: a.trigger?.timeAfterCreate, timeBeforeExpiry: a.trigger?.timeBeforeExpiry }] : [];
  });
  const date = (s: number | undefined) => (s !== undefined ? new Date(s * 1000) : undefined);
  return fromActions(actions, p.attributes?.expiryTime, date(p.attributes?.created), date(p.attributes?.updated));
}

/** The REST/ARM body (AZURE.md: `{lifetimeActions:[{trigger:{timeAfterCreate:"P90D"},action:{type:"Rotate"}}], attributes:{expiryTime:"P1Y"}}`). */
export function toArmPolicy(policy: RotationPolicy): ArmRotationPolicyShape {
  return {
    ...(policy.expiresAfter ? { attributes: { expiryTime: policy.expiresAfter } } : {}),
    lifetimeActions: toActions(policy).map(a => ({
      trigger: { ...(a.timeAfterCreate ? { timeAfterCreate: a.timeAfterCreate } : {}), ...(a.timeBeforeExpiry ? { timeBeforeExpiry: a.timeBeforeExpiry } : {}) },
      action: { type: a.type },
    })),
  };
}

/** Whether two policies say the same (durations compared by length, not spelling: `P1Y` = `P365D`). */
export function samePolicy(a: RotationPolicy | undefined, b: RotationPolicy | undefined): boolean {
  const same = (x?: string, y?: string) => (x === undefined || y === undefined ? x === y : isoDurationMs(x) === isoDurationMs(y));
  return same(a?.rotateAfterCreate, b?.rotateAfterCreate) && same(a?.rotateBeforeExpiry, b?.rotateBeforeExpiry) &&
    same(a?.expiresAfter, b?.expiresAfter) && same(a?.notifyBeforeExpiry, b?.notifyBeforeExpiry);
}

// ---- words ----------------------------------------------------------------------------------------------------

/** "rotates 90 days after creation, expires after 1 year, notifies 30 days before expiry". */
export function describeRotationPolicy(policy: RotationPolicy | undefined): string {
  if (!policy) {
    return l10n.t('no rotation policy');
  }
  const parts: string[] = [];
  if (policy.rotateAfterCreate) {
    parts.push(l10n.t('rotates {0} after creation', describeIsoDuration(policy.rotateAfterCreate)));
  } else if (policy.rotateBeforeExpiry) {
    parts.push(l10n.t('rotates {0} before expiry', describeIsoDuration(policy.rotateBeforeExpiry)));
  } else {
    parts.push(l10n.t('no automatic rotation'));
  }
  if (policy.expiresAfter) {
    parts.push(l10n.t('expires after {0}', describeIsoDuration(policy.expiresAfter)));
  }
  if (policy.notifyBeforeExpiry) {
    parts.push(l10n.t('notifies {0} before expiry', describeIsoDuration(policy.notifyBeforeExpiry)));
  }
  return parts.join(', ');
}
