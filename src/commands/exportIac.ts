/**
 * "Export as Infrastructure as Code…": a cluster's KMS setup — or the plan that would set it up — as code for teams
 * that manage their clusters that way, from the same plan the wizard runs (src/kms/iac). The cluster node and the
 * palette export the cluster's current setup (platform keys, or its customer-managed key), or, for a cluster without
 * one, platform keys; a new customer-managed key needs choices, so that export is on the wizard's plan page.
 * Only reads: the preflight's reads and the plan's preview. The code opens in an untitled editor, to review and save.
 */
import * as vscode from 'vscode';
import { azureSdk } from '../azure/lazySdk';
import type { AzureContext } from '../azure/azureContext';
import type { EnableConfig } from '../kms/enable/config';
import { currentCmkSetup, CurrentCmkSetup, vaultListingNeeded } from '../kms/iac/currentSetup';
import type { ClusterFacts } from '../kms/kmsState';
import type { IacFormat } from '../kms/iac/formatInfo';
import { errorMessage } from '../views/fleetTree';
import { ExportIacResult, openIac } from '../views/iacDocument';
import { managedClustersApiVersion } from '../views/settings';
import type { ClusterNode } from '../views/treeNodes';
import { CommandContext, registerCommand } from './commandContext';
import { clusterArgument } from './pickCluster';

/** What a caller (a keybinding, another extension) can decide instead of the user being asked. */
export interface ExportIacOptions {
  readonly format?: IacFormat;
  /** For a cluster without KMS: export platform keys without asking (a customer-managed key needs the wizard). */
  readonly flow?: 'pmk';
}

/**
 * The cluster's current customer-managed key setup, reading the subscription's vaults only when the profile does not
 * name its vault (src/kms/iac/currentSetup.ts); undefined for a cluster without one.
 */
async function currentCmk(azure: AzureContext, facts: ClusterFacts): Promise<CurrentCmkSetup | undefined> {
  // A listing refused (no Reader on the subscription's vaults) finds no vault: the reason then says what to ask for.
  const vaults = vaultListingNeeded(facts) ? await (await azureSdk()).listVaults(azure, facts.subscriptionId).catch(() => []) : [];
  return currentCmkSetup(facts, vaults);
}

/** What to export for the cluster as it is; undefined when the user went to the wizard or chose nothing. */
async function configFor(azure: AzureContext, node: ClusterNode, flow?: 'pmk'): Promise<EnableConfig | undefined> {
  const { facts } = node;
  const kms = facts.kms;
  if (kms.kind === 'pmk') {
    return { kind: 'pmk', clusterId: facts.id };
  }
  const current = await currentCmk(azure, facts);
  if (current?.ok) {
    return current.config;
  }
  const platform = kms.kind === 'legacy' || kms.kind === 'cmk'
    ? { label: vscode.l10n.t('Platform-managed keys'), description: vscode.l10n.t('move {0} off its customer-managed key', facts.name), config: { kind: 'migrateToPmk', clusterId: facts.id } as const }
    : { label: vscode.l10n.t('Platform-managed keys'), description: vscode.l10n.t('infrastructure encryption, no key to manage'), config: { kind: 'pmk', clusterId: facts.id } as const };
  if (flow === 'pmk') {
    return platform.config;
  }
  const wizard = { label: vscode.l10n.t('Customer-managed key…'), description: vscode.l10n.t('choose the vault, key and identity in the wizard; its plan page exports the code'), config: undefined };
  // A customer-managed key whose vault cannot be found: say why its setup is not on offer.
  const picked = await vscode.window.showQuickPick([platform, wizard], { title: vscode.l10n.t('Export the KMS setup of {0} as code', facts.name), placeHolder: current?.reason });
  if (picked === wizard) {
    await vscode.commands.executeCommand('aksKms.enableCmk', node);
  }
  return picked?.config;
}

export function registerExportIac(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'aksKms.exportIac', async (arg?: unknown, options: ExportIacOptions = {}): Promise<ExportIacResult | undefined> => {
      const node = await clusterArgument(ctx, arg);
      const azure = node && ctx.account.contextForSubscription(node.facts.subscriptionId);
      if (!node || !azure) {
        return undefined;
      }
      try {
        const config = await configFor(azure, node, options.flow);
        if (!config) {
          return undefined;
        }
        const { ManagedClustersAdapter, prepareEnable } = await azureSdk();
        const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', node.facts.name) }, () =>
          prepareEnable(azure, new ManagedClustersAdapter(azure, managedClustersApiVersion()), config),
        );
        if (prepared.blocked) {
          // Code for a plan the preflight refuses would fail on apply: say why, as the wizard would.
          const errors = prepared.findings.filter(f => f.severity === 'error').map(f => f.message);
          void vscode.window.showErrorMessage(vscode.l10n.t('Cannot export the KMS setup of {0}: {1}', node.facts.name, errors.join(' ')));
          return undefined;
        }
        return await openIac(prepared, node.facts.name, options.format);
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not read {0}: {1}', node.facts.name, errorMessage(err)));
        return undefined;
      }
    }),
  ];
}
