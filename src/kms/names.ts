/**
 * Name rules for the resources the enable flow may create (AZURE.md, "Rules the service and the CLI enforce").
 * Each check returns a sentence saying what is wrong and how to fix it, or undefined when the name is valid.
 */
import * as l10n from '@vscode/l10n';

export function vaultNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 24) {
    return l10n.t('Key vault name "{0}" must be 3–24 characters long (it has {1}).', name, name.length);
  }
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    return l10n.t('Key vault name "{0}" may contain only letters, digits and hyphens.', name);
  }
  if (!/^[A-Za-z]/.test(name)) {
    return l10n.t('Key vault name "{0}" must start with a letter.', name);
  }
  if (!/[A-Za-z0-9]$/.test(name)) {
    return l10n.t('Key vault name "{0}" must end with a letter or digit.', name);
  }
  if (name.includes('--')) {
    return l10n.t('Key vault name "{0}" must not contain two hyphens in a row.', name);
  }
  return undefined;
}

export function keyNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 127) {
    return l10n.t('Key name "{0}" must be 1–127 characters long.', name);
  }
  return /^[A-Za-z0-9-]+$/.test(name) ? undefined : l10n.t('Key name "{0}" may contain only letters, digits and hyphens.', name);
}

export function identityNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 128) {
    return l10n.t('Identity name "{0}" must be 3–128 characters long.', name);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    return l10n.t('Identity name "{0}" must start with a letter or digit and contain only letters, digits, hyphens and underscores.', name);
  }
  return undefined;
}

export function resourceGroupNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 90) {
    return l10n.t('Resource group name "{0}" must be 1–90 characters long.', name);
  }
  if (!/^[-\w._()]+$/u.test(name) || name.endsWith('.')) {
    return l10n.t('Resource group name "{0}" may contain letters, digits, underscores, hyphens, periods and parentheses, and must not end with a period.', name);
  }
  return undefined;
}
