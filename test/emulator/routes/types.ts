// What every ARM route handler receives and may use.
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth';
import type { ParsedRequest, Reply } from '../http';
import type { EmulatorStore, VaultProvisioner } from '../state';

export interface ArmRequest {
  readonly http: ParsedRequest;
  readonly raw: IncomingMessage;
  readonly params: Readonly<Record<string, string>>;
  readonly apiVersion: string;
  readonly principal: Principal;
}

export type ArmHandler = (r: ArmRequest) => Reply | Promise<Reply>;

export interface ArmDeps {
  readonly store: EmulatorStore;
  /** Items per page of every ARM list. */
  readonly pageSize: number;
  /** Vault data-plane listeners: their URLs, and a new listener for a vault created at run time. */
  readonly vaults: VaultProvisioner;
}
