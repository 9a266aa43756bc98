/** Shared helpers for the extension-host suite: the extension's API, the emulator, the companion sign-in. */
import * as vscode from 'vscode';
import type { AksKmsApi } from '../../src/extension';
import type { ClusterNode, FleetNode, SubscriptionNode } from '../../src/views/treeNodes';

export const EXTENSION_ID = 'aks-kms.aks-kms';
export const COMPANION_ID = 'aks-kms.aks-kms-emulator-auth';

export async function extensionApi(): Promise<AksKmsApi> {
  const ext = vscode.extensions.getExtension<AksKmsApi>(EXTENSION_ID);
  if (!ext) {
    throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  }
  return ext.activate();
}

interface CompanionApi {
  removeAllSessions(): Promise<void>;
  signIn(scopes?: string[]): Promise<vscode.AuthenticationSession>;
}

async function companion(): Promise<CompanionApi> {
  const ext = vscode.extensions.getExtension<CompanionApi>(COMPANION_ID);
  if (!ext) {
    throw new Error(`${COMPANION_ID} (the emulator's sign-in provider) is not installed`);
  }
  return ext.activate();
}

export async function signOutEverywhere(): Promise<void> {
  await (await companion()).removeAllSessions();
}

/**
 * Signs the account in at the provider, as a user does from the Accounts menu. The workbench refuses every dialog
 * in test mode, including VS Code's "wants to sign in" consent, so the session must exist before the extension asks.
 */
export async function signInAtProvider(): Promise<void> {
  await (await companion()).signIn();
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

export async function signedInApi(): Promise<AksKmsApi> {
  const api = await extensionApi();
  if (!api.account.status.signedIn) {
    await signInAtProvider();
    await vscode.commands.executeCommand('aksKms.signIn');
  }
  await api.tree.ensureLoaded();
  return api;
}

export async function rootSubscriptions(api: AksKmsApi): Promise<SubscriptionNode[]> {
  return (await api.tree.getChildren()).filter((n): n is SubscriptionNode => n.kind === 'subscription');
}

export async function allClusters(api: AksKmsApi): Promise<ClusterNode[]> {
  const result: ClusterNode[] = [];
  for (const sub of await rootSubscriptions(api)) {
    result.push(...(await api.tree.getChildren(sub)).filter((n): n is ClusterNode => n.kind === 'cluster'));
  }
  return result;
}

export async function clusterByName(api: AksKmsApi, name: string): Promise<ClusterNode> {
  const found = (await allClusters(api)).find(c => c.facts.name === name);
  if (!found) {
    throw new Error(`cluster ${name} not in the tree`);
  }
  return found;
}

export function hoverText(item: vscode.TreeItem): string {
  const tooltip = item.tooltip;
  return typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '';
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('aksKms').update(key, value, vscode.ConfigurationTarget.Global);
}

export type { FleetNode };
