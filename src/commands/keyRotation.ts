/**
 * "Rotate Key Now" and "Set Rotation Policy…" on a cluster's customer-managed key, through the Key Vault data plane.
 * Rotation adds a version (old ones stay); AKS picks it up within 6 hours. Legacy KMS does not follow new versions,
 * so there the user is told first and must confirm.
 */
import * as vscode from 'vscode';
import { azureSdk } from '../azure/lazySdk';
import { clusterKeyRef, keyActionFindings } from '../kms/keyActions';
import type { KeyVersionInfo } from '../kms/rotation';
import { RotationPolicyInput, rotationPolicyInputOf, rotationPolicyRisks, validateRotationPolicyInput } from '../kms/rotationPolicy';
import { errorMessage } from '../views/fleetTree';
import { policyLabel } from '../views/labels';
import type { ClusterNode } from '../views/treeNodes';
import { CommandContext, registerCommand } from './commandContext';
import { clusterArgument } from './pickCluster';

/** Shows errors and asks about warnings; true when the action may go ahead. */
async function passesKeyChecks(ctx: CommandContext, node: ClusterNode, action: 'rotate' | 'setPolicy', proceedLabel: string): Promise<boolean> {
  const keys = ctx.tree.keyHealthOf(node)?.health;
  const findings = keyActionFindings(action, node.facts, keys?.vault, keys?.versions);
  const errors = findings.filter(f => f.severity === 'error');
  if (errors.length) {
    void vscode.window.showErrorMessage(errors.map(f => f.message).join(' '));
    return false;
  }
  const warnings = findings.filter(f => f.severity === 'warning');
  if (!warnings.length) {
    return true;
  }
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Continue with the key of {0}?', node.facts.name),
    { modal: true, detail: warnings.map(f => f.message).join('\n\n') },
    proceedLabel,
  );
  return answer === proceedLabel;
}

export function registerKeyRotation(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'aksKms.rotateKey', async (arg?: unknown): Promise<KeyVersionInfo | undefined> => {
      const node = await clusterArgument(ctx, arg);
      const azure = node && ctx.account.contextForSubscription(node.facts.subscriptionId);
      const ref = node && clusterKeyRef(node.facts);
      if (!node || !azure) {
        return undefined;
      }
      if (!(await passesKeyChecks(ctx, node, 'rotate', vscode.l10n.t('Rotate anyway'))) || !ref) {
        return undefined;
      }
      try {
        const version = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Rotating key {0}…', ref.keyName) }, async () =>
          (await azureSdk()).rotateKey(azure, ref.vaultUrl, ref.keyName),
        );
        ctx.log.info(`Rotated key ${ref.keyName} of ${node.facts.name}: new version ${version.version}.`);
        await ctx.tree.refresh();
        void vscode.window.showInformationMessage(vscode.l10n.t('Key {0} rotated: new version {1}. AKS picks it up within 6 hours; keep the previous version enabled.', ref.keyName, version.version.slice(0, 8)));
        ctx.telemetry.send({ name: 'flow', flow: 'rotateKey', outcome: 'succeeded' });
        return version;
      } catch (err) {
        ctx.log.error(`Rotating key ${ref.keyName} failed: ${errorMessage(err)}`);
        ctx.telemetry.send({ name: 'flow', flow: 'rotateKey', outcome: 'failed' });
        void vscode.window.showErrorMessage(vscode.l10n.t('Rotating key {0} failed: {1}', ref.keyName, errorMessage(err)));
        return undefined;
      }
    }),

    /** With a second argument ({rotateAfter, expiresAfter, notifyBeforeExpiry}) it applies that policy without asking (keybindings, automation). */
    registerCommand(ctx, 'aksKms.setRotationPolicy', async (arg?: unknown, given?: RotationPolicyInput) => {
      const node = await clusterArgument(ctx, arg);
      const azure = node && ctx.account.contextForSubscription(node.facts.subscriptionId);
      const ref = node && clusterKeyRef(node.facts);
      if (!node || !azure || !(await passesKeyChecks(ctx, node, 'setPolicy', vscode.l10n.t('Set policy anyway'))) || !ref) {
        return undefined;
      }
      try {
        const input = given ?? (await askForPolicy(ref.keyName, rotationPolicyInputOf((await (await azureSdk()).readRotationPolicy(azure, ref)).policy)));
        if (!input || !(await acceptsPolicyRisks(ctx, ref.keyName, input, given !== undefined))) {
          return undefined;
        }
        const result = await (await azureSdk()).applyRotationPolicyInput(azure, ref.vaultUrl, ref.keyName, input);
        ctx.telemetry.send({ name: 'flow', flow: 'setRotationPolicy', outcome: result.ok ? 'succeeded' : 'blocked' });
        if (!result.ok) {
          void vscode.window.showErrorMessage(result.problems.map(p => p.message).join(' '));
          return result;
        }
        ctx.log.info(`Set the rotation policy of key ${ref.keyName}: ${JSON.stringify(result.policy)}.`);
        await ctx.tree.refresh();
        void vscode.window.showInformationMessage(vscode.l10n.t('Rotation policy of {0}: {1}.', ref.keyName, policyLabel(result.policy, false)));
        return result;
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Setting the rotation policy of {0} failed: {1}', ref.keyName, errorMessage(err)));
        return undefined;
      }
    }),
  ];
}

/**
 * Asks before setting a policy Key Vault accepts but that can take the cluster down (rotationPolicyRisks). With the
 * policy given as an argument (automation) it is not asked: the risks go to the log.
 */
async function acceptsPolicyRisks(ctx: CommandContext, keyName: string, input: RotationPolicyInput, automated: boolean): Promise<boolean> {
  const checked = validateRotationPolicyInput(input);
  const risks = checked.ok ? rotationPolicyRisks(checked.policy, keyName) : [];
  if (!risks.length) {
    return true;
  }
  if (automated) {
    risks.forEach(r => ctx.log.warn(r.message));
    return true;
  }
  const proceed = vscode.l10n.t('Set policy anyway');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Set this rotation policy on {0}?', keyName), { modal: true, detail: risks.map(r => r.message).join('\n\n') }, proceed);
  return answer === proceed;
}

/**
 * Three input boxes. Each checks its own value live against Key Vault's limits (together with the values entered
 * before it); rules that tie the fields together are checked at the end, and the boxes come back prefilled with the
 * problem shown until the policy is valid or the user cancels.
 */
async function askForPolicy(keyName: string, current: RotationPolicyInput): Promise<RotationPolicyInput | undefined> {
  const fields: { field: keyof RotationPolicyInput; prompt: string }[] = [
    { field: 'rotateAfter', prompt: vscode.l10n.t('Rotate {0} automatically this long after each version is created (days, or ISO 8601 like P90D; empty: no automatic rotation)', keyName) },
    { field: 'expiresAfter', prompt: vscode.l10n.t('New versions of {0} expire after (days or ISO 8601 like P1Y; empty: no expiry)', keyName) },
    { field: 'notifyBeforeExpiry', prompt: vscode.l10n.t('Send a near-expiry event this long before expiry (days or ISO 8601 like P30D; empty: none)') },
  ];
  let values: Record<string, string> = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, v === undefined ? '' : String(v)]));
  let problem: string | undefined;
  for (;;) {
    const input: Record<string, string> = {};
    for (const { field, prompt } of fields) {
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Set rotation policy: {0}', keyName),
        prompt: problem ? `${problem} — ${prompt}` : prompt,
        value: values[field] ?? '',
        ignoreFocusOut: true,
        validateInput: text => {
          if (text.trim() === '') {
            return undefined;
          }
          const check = validateRotationPolicyInput({ ...input, [field]: text });
          const mine = check.ok ? [] : check.problems.filter(p => p.field === field);
          return mine.length ? mine.map(p => p.message).join(' ') : undefined;
        },
      });
      if (value === undefined) {
        return undefined;
      }
      input[field] = value;
    }
    const check = validateRotationPolicyInput(input);
    if (check.ok) {
      return input;
    }
    problem = check.problems.map(p => p.message).join(' ');
    values = input;
  }
}
