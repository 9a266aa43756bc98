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
  sessions(): Promise<readonly vscode.AuthenticationSession[]>;
}

export async function companion(): Promise<CompanionApi> {
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

/** Polls (every `intervalMs`) until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, intervalMs));
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

/** Writes a setting by its full name (`section.key`) to the user settings, as the Settings editor does. */
export async function updateAnySetting(fullKey: string, value: unknown): Promise<void> {
  const dot = fullKey.lastIndexOf('.');
  await vscode.workspace.getConfiguration(fullKey.slice(0, dot)).update(fullKey.slice(dot + 1), value, vscode.ConfigurationTarget.Global);
}

export interface Shown {
  severity: 'info' | 'warning' | 'error';
  message: string;
  items: string[];
  modal: boolean;
}

/** Replaces the message functions: records every message and answers as the user would (default: dismiss). */
export function recordMessages(answer: (m: Shown) => string | undefined = () => undefined): { shown: Shown[]; restore(): void } {
  const shown: Shown[] = [];
  const win = vscode.window as unknown as Record<string, unknown>;
  const saved = { info: win.showInformationMessage, warning: win.showWarningMessage, error: win.showErrorMessage };
  const fake = (severity: Shown['severity']) => (message: string, ...rest: unknown[]) => {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? rest.shift() as vscode.MessageOptions : undefined;
    const m: Shown = { severity, message, items: rest.map(r => (typeof r === 'string' ? r : (r as vscode.MessageItem).title)), modal: !!options?.modal };
    shown.push(m);
    return Promise.resolve(answer(m));
  };
  win.showInformationMessage = fake('info');
  win.showWarningMessage = fake('warning');
  win.showErrorMessage = fake('error');
  return {
    shown,
    restore() {
      win.showInformationMessage = saved.info;
      win.showWarningMessage = saved.warning;
      win.showErrorMessage = saved.error;
    },
  };
}

export async function withMessages<T>(run: (shown: Shown[]) => Promise<T>): Promise<T> {
  const rec = recordMessages();
  try {
    return await run(rec.shown);
  } finally {
    rec.restore();
  }
}

export type { FleetNode };
