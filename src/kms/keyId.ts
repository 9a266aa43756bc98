/**
 * Key Vault key identifiers: `https://{vault host}/keys/{name}[/{version}]`.
 * Versioned vs versionless decides the KMS experience (AZURE.md): a versioned ID means legacy KMS.
 */
import * as l10n from '@vscode/l10n';
import { boundedMemo } from './boundedMemo';

export interface KeyId {
  /** `https://{host}` — the vault's data-plane URL without a trailing slash. */
  readonly vaultUrl: string;
  /** Host name without port, e.g. `myvault.vault.azure.net`. */
  readonly vaultHost: string;
  readonly name: string;
  readonly version?: string;
}

const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const KEY_VERSION = /^[0-9a-zA-Z]{1,64}$/;

export type KeyIdParse = { readonly ok: true; readonly keyId: KeyId } | { readonly ok: false; readonly reason: string };

/**
 * Parses a key ID; the reason says what is wrong so a user can fix it. Valid IDs are kept (the answers are immutable):
 * the 10,000 clusters of a fleet name a few hundred keys, and the state of each parses its key ID.
 */
export const parseKeyId: (raw: string) => KeyIdParse = boundedMemo(parseKeyIdOnce, 1000, parsed => parsed.ok);

function parseKeyIdOnce(raw: string): KeyIdParse {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: l10n.t('"{0}" is not a URL. A key ID looks like https://<vault>.vault.azure.net/keys/<name>.', raw) };
  }
  if (url.protocol !== 'https:') {
    return { ok: false, reason: l10n.t('A key ID must start with https://.') };
  }
  if (url.search || url.hash) {
    return { ok: false, reason: l10n.t('A key ID has no query string or fragment.') };
  }
  const parts = url.pathname.split('/').filter(p => p.length > 0);
  if (parts.length < 2 || parts.length > 3 || parts[0] !== 'keys') {
    return { ok: false, reason: l10n.t('A key ID has the path /keys/<name> or /keys/<name>/<version>.') };
  }
  const [, name, version] = parts;
  if (!KEY_NAME.test(name)) {
    return { ok: false, reason: l10n.t('Key name "{0}" must be 1–127 letters, digits or hyphens.', name) };
  }
  if (version !== undefined && !KEY_VERSION.test(version)) {
    return { ok: false, reason: l10n.t('Key version "{0}" must be letters and digits only.', version) };
  }
  return { ok: true, keyId: { vaultUrl: `${url.protocol}//${url.host}`, vaultHost: url.hostname.toLowerCase(), name, version } };
}

/** The versionless form the new KMS experience uses. */
export function versionlessKeyId(keyId: KeyId): string {
  return `${keyId.vaultUrl}/keys/${keyId.name}`;
}

/** True when the vault host belongs to the cloud's Key Vault DNS suffix (e.g. `vault.azure.cn`). */
export function keyIdInCloud(keyId: KeyId, keyVaultDnsSuffix: string): boolean {
  const suffix = keyVaultDnsSuffix.toLowerCase().replace(/^\./, '');
  return keyId.vaultHost === suffix || keyId.vaultHost.endsWith(`.${suffix}`);
}
