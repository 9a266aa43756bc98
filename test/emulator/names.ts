// Resource name rules the services enforce (AZURE.md, "Rules"), with the errors they answer.
import { HttpError } from './errors';

/** Vault names: 3–24 letters, digits and hyphens; start with a letter, end with a letter or digit, no `--`. */
export function isValidVaultName(name: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(name) && !name.includes('--');
}

export function vaultNameError(name: string): HttpError {
  return new HttpError(
    400,
    'VaultNameNotValid',
    `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742`,
  );
}

/** Identity names: 3–128 letters, digits, hyphens and underscores; start with a letter or digit. */
export function isValidIdentityName(name: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/.test(name);
}

export function identityNameError(name: string): HttpError {
  return new HttpError(
    400,
    'InvalidResourceName',
    `Resource name '${name}' is invalid. The name can be between 3 and 128 characters long, can contain only letters, numbers, underscores and hyphens, and must start with a letter or number.`,
  );
}
