/**
 * The fixed part of the az script: its prerequisite checks and the shell functions the steps call (version
 * comparison, retry while a role assignment propagates, waiting for the feature registration, merging access-policy
 * key permissions). Documentation references as in azScript.ts ([KMS], [LEGACY], [RBAC]).
 */
/** [KMS] "Prerequisites": Azure CLI 2.73.0 or later, aks-preview 19.0.0b13 or later. */
export const MIN_AZURE_CLI_VERSION = '2.73.0';
export const MIN_AKS_PREVIEW_VERSION = '19.0.0b13';

/** Role propagation: how often and how long the script retries a command that needs a new role assignment. */
export const RETRY_ATTEMPTS = 10;
export const RETRY_DELAY_SECONDS = 30;
/** Feature registration: polls of `az feature show` (30 s apart), i.e. the plan's own 30-minute limit. */
const FEATURE_POLLS = 60;

/** Shell functions the steps call. Defined up front, never commented out. */
export const VERSION_FUNCTIONS = [
  '# Succeeds when version $1 is at least version $2. Versions look like 2.73.0 or 19.0.0b13 (PEP 440: a, b and rc',
  '# pre-releases sort before their release). Plain bash, because `sort -V` is missing or orders pre-releases',
  '# differently on some systems.',
  'version_key() {',
  '  local re=\'^([0-9]+)(\\.([0-9]+))?(\\.([0-9]+))?(a|b|rc)?([0-9]*)\'',
  '  local major=0 minor=0 patch=0 stage=3 serial=0',
  '  if [[ $1 =~ $re ]]; then',
  '    major=${BASH_REMATCH[1]}',
  '    minor=${BASH_REMATCH[3]:-0}',
  '    patch=${BASH_REMATCH[5]:-0}',
  '    case ${BASH_REMATCH[6]} in a) stage=0 ;; b) stage=1 ;; rc) stage=2 ;; esac',
  '    serial=${BASH_REMATCH[7]:-0}',
  '  fi',
  '  printf \'%06d%06d%06d%d%06d\\n\' "$((10#$major))" "$((10#$minor))" "$((10#$patch))" "$stage" "$((10#$serial))"',
  '}',
  'version_at_least() {',
  '  local have want',
  '  have=$(version_key "$1")',
  '  want=$(version_key "$2")',
  '  [[ ! $have < $want ]]',
  '}',
  '',
];

export const RETRY_FUNCTION = [
  '# Runs a command, retrying while a new role assignment propagates: Azure RBAC changes can take minutes to apply',
  '# ([RBAC] "Symptom - Role assignment changes are not being detected"), a new identity can be briefly unknown to',
  '# the directory ([RBAC] "Symptom - Assigning a role to a new principal sometimes fails"), and AKS checks the cluster',
  '# identity\'s Key Vault permissions when it enables KMS. Any failure is retried, at most ' +
    `${RETRY_ATTEMPTS} times, ${RETRY_DELAY_SECONDS} s apart.`,
  'retry() {',
  '  local attempt=1',
  `  until "$@"; do`,
  `    if [ "$attempt" -ge ${RETRY_ATTEMPTS} ]; then`,
  `      echo "Failed ${RETRY_ATTEMPTS} times, giving up: $*" >&2`,
  '      return 1',
  '    fi',
  `    echo "Attempt $attempt of ${RETRY_ATTEMPTS} failed (a new role assignment can take minutes to apply); retrying in ${RETRY_DELAY_SECONDS} s: $1 $2 $3" >&2`,
  `    sleep ${RETRY_DELAY_SECONDS}`,
  '    attempt=$((attempt + 1))',
  '  done',
  '}',
  '',
];

export const WAIT_FOR_FEATURE_FUNCTION = [
  `# [KMS] "Register the feature flag": the state takes a few minutes to show Registered. Waits up to ${FEATURE_POLLS / 2} minutes.`,
  'wait_for_feature() {',
  '  local state=""',
  '  local poll',
  `  for ((poll = 1; poll <= ${FEATURE_POLLS}; poll++)); do`,
  '    state=$(az feature show --namespace "$1" --name "$2" --query properties.state -o tsv)',
  '    if [ "$state" = Registered ]; then',
  '      return 0',
  '    fi',
  `    echo "$2 is $state ($poll/${FEATURE_POLLS}); checking again in 30 s" >&2`,
  '    sleep 30',
  '  done',
  `  echo "$2 is still $state after ${FEATURE_POLLS / 2} minutes; run this script again later to continue." >&2`,
  '  return 1',
  '}',
  '',
];

export const GRANT_KEY_PERMISSIONS_FUNCTION = [
  '# Adds key permissions to a principal\'s access policy on a vault that uses access policies instead of Azure RBAC',
  '# ([LEGACY] "Assign permissions for a non-RBAC public key vault": az keyvault set-policy). set-policy replaces the',
  '# key permissions the principal already holds (azure-cli keyvault `set_policy`), so the current ones are read',
  '# first, through Azure Resource Manager (which the vault firewall does not filter), and kept.',
  '# Usage: grant_key_permissions <vault> <resource group> <object id> <permission>...',
  'grant_key_permissions() {',
  '  local vault=$1 group=$2 object_id=$3',
  '  shift 3',
  '  local current',
  '  current=$(az keyvault show --name "$vault" --resource-group "$group" --query "properties.accessPolicies[?objectId==\'$object_id\'].permissions.keys[]" -o tsv)',
  '  local -a permissions',
  '  read -r -a permissions <<< "$(printf \'%s\\n\' "$current" "$@" | awk \'NF { print tolower($0) }\' | sort -u | tr \'\\n\' \' \')"',
  '  az keyvault set-policy --name "$vault" --resource-group "$group" --object-id "$object_id" --key-permissions "${permissions[@]}"',
  '}',
  '',
];

export function prerequisites(): string[] {
  const ext = 'aks-preview';
  return [
    `# Prerequisites ([KMS] "Prerequisites"): Azure CLI ${MIN_AZURE_CLI_VERSION} or later, and the ${ext} extension ${MIN_AKS_PREVIEW_VERSION}`,
    '# or later, which adds --kms-infrastructure-encryption to az aks.',
    'if ! command -v az >/dev/null 2>&1; then',
    '  echo "The Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli" >&2',
    '  exit 1',
    'fi',
    'AZ_VERSION=$(az version --query \'"azure-cli"\' -o tsv)',
    `if ! version_at_least "$AZ_VERSION" ${MIN_AZURE_CLI_VERSION}; then`,
    `  echo "Azure CLI $AZ_VERSION is older than ${MIN_AZURE_CLI_VERSION}. Run 'az upgrade', then run this script again." >&2`,
    '  exit 1',
    'fi',
    `AKS_PREVIEW_VERSION=$(az extension show --name ${ext} --query version -o tsv 2>/dev/null || true)`,
    'if [ -z "$AKS_PREVIEW_VERSION" ]; then',
    `  echo "Installing the ${ext} extension: az extension add --name ${ext}"`,
    `  az extension add --name ${ext}`,
    `elif ! version_at_least "$AKS_PREVIEW_VERSION" ${MIN_AKS_PREVIEW_VERSION}; then`,
    `  echo "Updating ${ext} $AKS_PREVIEW_VERSION to ${MIN_AKS_PREVIEW_VERSION} or later: az extension update --name ${ext}"`,
    `  az extension update --name ${ext}`,
    'fi',
    `AKS_PREVIEW_VERSION=$(az extension show --name ${ext} --query version -o tsv)`,
    `if ! version_at_least "$AKS_PREVIEW_VERSION" ${MIN_AKS_PREVIEW_VERSION}; then`,
    `  echo "${ext} $AKS_PREVIEW_VERSION is still older than ${MIN_AKS_PREVIEW_VERSION}; install a newer one (az extension add --name ${ext} --allow-preview true --upgrade) and run this script again." >&2`,
    '  exit 1',
    'fi',
    '',
  ];
}
