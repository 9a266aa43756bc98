/**
 * The plan as infrastructure as code in an untitled editor (src/kms/iac prints it): from the "Export as
 * Infrastructure as Code…" command and from the wizard's plan page. Named after the cluster, so Save proposes a file
 * name the tools recognise; in the format's language where an extension provides it.
 */
import * as vscode from 'vscode';
import type { PreparedEnable } from '../azure/enableFlow';
import { azureSdk } from '../azure/lazySdk';
import { IAC_FORMATS, IacFormat, IacFormatInfo } from '../kms/iac/formatInfo';
import { managedClustersApiVersion } from './settings';

export interface ExportIacResult {
  readonly format: IacFormat;
  readonly languageId: string;
  readonly uri: string;
  readonly content: string;
}

/** The given format, else asks (naming the cluster: the command may have started from the palette). */
async function pickFormat(clusterName: string, format?: IacFormat): Promise<IacFormatInfo | undefined> {
  const given = IAC_FORMATS.find(f => f.format === format);
  if (given) {
    return given;
  }
  const labels: Record<IacFormat, string> = { terraform: vscode.l10n.t('Terraform (AzureRM and AzAPI)'), bicep: vscode.l10n.t('Bicep'), arm: vscode.l10n.t('ARM template (JSON)') };
  const picked = await vscode.window.showQuickPick(IAC_FORMATS.map(f => ({ label: labels[f.format], info: f })), { title: vscode.l10n.t('Export the KMS setup of {0} as', clusterName) });
  return picked?.info;
}

/** Opens the code in an untitled editor named after the cluster, so Save proposes a file name the tools recognise. */
export async function openIac(prepared: PreparedEnable, clusterName: string, format?: IacFormat): Promise<ExportIacResult | undefined> {
  if (!prepared.facts || !prepared.plan) {
    return undefined;
  }
  const info = await pickFormat(clusterName, format);
  if (!info) {
    return undefined;
  }
  const sdk = await azureSdk();
  const apiVersion = managedClustersApiVersion() ?? sdk.DEFAULT_MANAGED_CLUSTERS_API_VERSION;
  const content = sdk.renderIac(info.format, sdk.iacPlanOf(prepared.config, prepared.facts, prepared.plan.preview, apiVersion));
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `${clusterName.replace(/[^A-Za-z0-9._-]+/g, '-')}-kms.${info.extension}` });
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  await editor.edit(edit => edit.replace(new vscode.Range(0, 0, document.lineCount, 0), content));
  // The editor's language where an extension provides it (HashiCorp Terraform); plain text otherwise.
  const languageId = (await vscode.languages.getLanguages()).includes(info.languageId) ? info.languageId : document.languageId;
  const shown = languageId === document.languageId ? document : await vscode.languages.setTextDocumentLanguage(document, languageId);
  return { format: info.format, languageId: shown.languageId, uri: shown.uri.toString(), content };
}

