/** The tree's node types: plain data; the provider turns them into TreeItems. */
import type { ClusterFacts } from '../kms/kmsState';
import type { DirectoryListing } from '../azure/directories';
import type { SubscriptionInfo } from '../azure/subscriptions';
import type { DetailRow } from './clusterDetails';

/** A directory (Entra tenant): shown only when the accounts reach more than one. */
export interface DirectoryNode {
  readonly kind: 'directory';
  readonly directory: DirectoryListing;
}

export interface SubscriptionNode {
  readonly kind: 'subscription';
  readonly subscription: SubscriptionInfo;
}

export interface ClusterNode {
  readonly kind: 'cluster';
  facts: ClusterFacts;
}

export interface DetailNode {
  readonly kind: 'detail';
  readonly cluster: ClusterNode;
  readonly row: DetailRow;
}

export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly text: string;
  readonly icon: string;
  readonly tooltip?: string;
  readonly command?: { command: string; title: string; arguments?: unknown[] };
}

export type FleetNode = DirectoryNode | SubscriptionNode | ClusterNode | DetailNode | MessageNode;
