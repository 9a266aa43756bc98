/**
 * Name rules for the resources the enable flow may create (AZURE.md, "Rules the service and the CLI enforce").
 * Each check returns a sentence saying what is wrong and how to fix it, or undefined when the name is valid.
 */

export function vaultNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 24) {
    return `Key vault name "${name}" must be 3–24 characters long (it has ${name.length}).`;
  }
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    return `Key vault name "${name}" may contain only letters, digits and hyphens.`;
  }
  if (!/^[A-Za-z]/.test(name)) {
    return `Key vault name "${name}" must start with a letter.`;
  }
  if (!/[A-Za-z0-9]$/.test(name)) {
    return `Key vault name "${name}" must end with a letter or digit.`;
  }
  if (name.includes('--')) {
    return `Key vault name "${name}" must not contain two hyphens in a row.`;
  }
  return undefined;
}

export function keyNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 127) {
    return `Key name "${name}" must be 1–127 characters long.`;
  }
  return /^[A-Za-z0-9-]+$/.test(name) ? undefined : `Key name "${name}" may contain only letters, digits and hyphens.`;
}

export function identityNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 128) {
    return `Identity name "${name}" must be 3–128 characters long.`;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    return `Identity name "${name}" must start with a letter or digit and contain only letters, digits, hyphens and underscores.`;
  }
  return undefined;
}

export function resourceGroupNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 90) {
    return `Resource group name "${name}" must be 1–90 characters long.`;
  }
  if (!/^[-\w._()]+$/u.test(name) || name.endsWith('.')) {
    return `Resource group name "${name}" may contain letters, digits, underscores, hyphens, periods and parentheses, and must not end with a period.`;
  }
  return undefined;
}
