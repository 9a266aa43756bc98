/**
 * "Show KMS State": the cluster's hover facts — the same Markdown as the AKS KMS tree's hover
 * (FleetTreeProvider.clusterTooltip) — in a read-only Markdown preview, and the cluster revealed and selected in the
 * AKS KMS view. Made for the Azure Resources and AKS views, whose cluster items cannot show our state; from our own
 * tree and the palette it works the same.
 */
import * as vscode from 'vscode';
import { passesStateFilter } from '../kms/stateFilter';
import { withoutThemeIcons } from '../kms/themeIcons';
import { errorMessage } from '../views/fleetTree';
import { stateFilter } from '../views/settings';
import type { ClusterNode } from '../views/treeNodes';
import { CommandContext, registerCommand } from './commandContext';
import { clusterArgument } from './pickCluster';

/** What the command returns (for automation and tests). */
export interface KmsStateShown {
  readonly clusterId: string;
  /** The read-only document (`aks-kms:` scheme) the preview renders. */
  readonly uri: string;
  readonly markdown: string;
  /** Whether the cluster is now selected in the AKS KMS view (false when its state filter hides it). */
  readonly revealed: boolean;
}

export function registerShowKmsState(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.showKmsState', async (arg?: unknown): Promise<KmsStateShown | undefined> => {
    const node = await clusterArgument(ctx, arg);
    if (!node) {
      return undefined;
    }
    const markdown = withoutThemeIcons((await ctx.tree.clusterTooltip(node)).value);
    const uri = ctx.documents.put(`/${node.facts.name}.kms.md`, markdown);
    await showPreview(ctx, uri);
    const revealed = await reveal(ctx, node);
    return { clusterId: node.facts.id, uri: uri.toString(), markdown, revealed };
  });
}

/** The rendered preview (the built-in Markdown extension); its source text if that extension is disabled. */
async function showPreview(ctx: CommandContext, uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch (err) {
    ctx.log.warn(`Markdown preview unavailable (${errorMessage(err)}); showing the text.`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, 'markdown'), { preview: true });
  }
}

/** Opens the AKS KMS view and selects the cluster there; a cluster hidden by the state filter cannot be selected. */
async function reveal(ctx: CommandContext, node: ClusterNode): Promise<boolean> {
  await vscode.commands.executeCommand('aksKms.fleet.focus');
  if (!passesStateFilter(node.facts, stateFilter(), ctx.tree.kmsPolicyOf(node))) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is hidden by the state filter of the AKS KMS view; its KMS state is shown in the editor.', node.facts.name));
    return false;
  }
  try {
    await ctx.view.reveal(node, { select: true, focus: true, expand: false });
    return true;
  } catch (err) {
    ctx.log.warn(`Could not reveal ${node.facts.name} in the AKS KMS view: ${errorMessage(err)}`);
    return false;
  }
}
