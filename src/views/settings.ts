/** The `aksKms.*` settings read in more than one place, with their defaults (package.json declares them). */
import * as vscode from 'vscode';

/** `aksKms.managedClustersApiVersion`; undefined (empty setting) means the adapter's default (DEFAULT_MANAGED_CLUSTERS_API_VERSION). */
export function managedClustersApiVersion(): string | undefined {
  return vscode.workspace.getConfiguration('aksKms').get<string>('managedClustersApiVersion') || undefined;
}

/** `aksKms.stateFilter`: the KMS states the tree shows; empty shows all. */
export function stateFilter(): string[] {
  return vscode.workspace.getConfiguration('aksKms').get<string[]>('stateFilter') ?? [];
}
