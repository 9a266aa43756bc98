/**
 * The az script must run as written. Every flow's script is checked by `bash -n` and by ShellCheck, and then run
 * against a stand-in `az` (and `sleep`) on PATH that records each call, answers the reads the script makes, injects
 * failures, and behaves like the vault firewall (data-plane key calls fail once the firewall denies public access).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderAzScript } from '../../src/kms/enable/azScript';
import { MIN_AKS_PREVIEW_VERSION, RETRY_ATTEMPTS } from '../../src/kms/enable/azScriptPrelude';
import type { CmkConfig, EnableConfig } from '../../src/kms/enable/config';
import type { EnableFacts, VaultFacts } from '../../src/kms/enable/facts';
import type { StepId, StepPreview } from '../../src/kms/enable/plan';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';
import { CLUSTER_ID, clusterJson, SUB, USER_OID } from './fakeAzure';

const NEW_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01`;
const PROD_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
const SUBNET_A = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`;
const SUBNET_B = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods`;
/** What the stand-in `az` answers for the new vault's URI and a new identity's principal ID. */
const FAKE_VAULT_URI = 'https://kvnew01.vault.azure.net/';
const FAKE_PRINCIPAL_ID = 'p-id-new';

// ---------------------------------------------------------------------------------------------------------------
// Facts, configurations and previews for each flow (built the way test/unit/enablePlan.test.ts reads them).

function factsFor(overrides: Partial<EnableFacts> & { clusterJson?: ManagedClusterJson } = {}): EnableFacts {
  const cj = overrides.clusterJson ?? clusterJson();
  return {
    cluster: clusterFactsOf(cj),
    clusterJson: cj,
    featureState: 'Registered',
    vaultNameAvailable: true,
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
    roleAssignments: [],
    keyVaultDnsSuffix: 'vault.azure.net',
    now: new Date('2026-11-28T00:00:00Z'),
    ...overrides,
  };
}

function prodVault(overrides: Partial<VaultFacts> = {}): VaultFacts {
  return {
    id: PROD_VAULT_ID, name: 'kvprod', location: 'eastus', vaultUri: 'https://kvprod.vault.azure.net/',
    enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: 'Enabled',
    networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded', ...overrides,
  };
}

/** The preview in the plan's order: [step, alreadyDone]. */
function previewOf(steps: readonly (readonly [StepId, boolean])[]): StepPreview[] {
  return steps.map(([id, alreadyDone]) => ({ id, dependsOn: [], alreadyDone, irreversible: id === 'updateCluster' }));
}

const featureDone = [['registerFeature', true], ['registerProvider', true]] as const;

const cmkNewVault = (networkAccess: 'Public' | 'Private'): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess,
  vault: { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' },
  key: { kind: 'new', name: 'aks-kms' },
  identity: { kind: 'new', name: 'id-aks1', resourceGroup: 'rg', location: 'eastus' },
});

const cmkExisting = (networkAccess: 'Public' | 'Private'): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess,
  vault: { kind: 'existing', id: PROD_VAULT_ID },
  key: { kind: 'existing', name: 'aks-kms' },
  identity: { kind: 'existing', id: IDENTITY_ID },
});

const newVaultSteps = (networkAccess: 'Public' | 'Private') => previewOf([
  ...featureDone,
  ['createVault', false], ['assignCryptoOfficerToUser', false], ['createKey', false],
  ...(networkAccess === 'Private' ? [['lockFirewall', false] as const] : []),
  ['createIdentity', false], ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false],
  ['updateCluster', false], ['verify', false],
]);

interface Flow {
  readonly name: string;
  readonly config: EnableConfig;
  readonly facts: EnableFacts;
  readonly preview: StepPreview[];
}

const QUOTED_RG = "rg o'brien";
const quotedClusterJson = (): ManagedClusterJson => ({ ...clusterJson(), id: CLUSTER_ID.replace('/resourceGroups/rg/', `/resourceGroups/${QUOTED_RG}/`) });

const FLOWS = {
  pmk: {
    name: 'platform-managed keys, feature not registered yet',
    config: { kind: 'pmk', clusterId: CLUSTER_ID },
    facts: factsFor({ featureState: 'NotRegistered' }),
    preview: previewOf([['registerFeature', false], ['registerProvider', false], ['updateCluster', false], ['verify', false]]),
  },
  migrateToPmk: {
    name: 'migrate a customer-managed key to platform-managed keys',
    config: { kind: 'migrateToPmk', clusterId: CLUSTER_ID },
    facts: factsFor(),
    preview: previewOf([...featureDone, ['updateCluster', false], ['verify', false]]),
  },
  cmkPublicNew: {
    name: 'customer-managed key, Public, new vault, key and identity',
    config: cmkNewVault('Public'),
    facts: factsFor(),
    preview: newVaultSteps('Public'),
  },
  cmkPrivateNew: {
    name: 'customer-managed key, Private, new vault, key and identity',
    config: cmkNewVault('Private'),
    facts: factsFor(),
    preview: newVaultSteps('Private'),
  },
  cmkPrivateExisting: {
    name: 'customer-managed key, Private, existing vault and key',
    config: cmkExisting('Private'),
    facts: factsFor({ vault: prodVault(), key: { name: 'aks-kms', kty: 'RSA', enabled: true }, identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' } }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['assignCryptoOfficerToUser', true], ['createKey', true], ['lockFirewall', false],
      ['createIdentity', true], ['assignCryptoUserToIdentity', true], ['assignContributorToIdentity', false], ['updateCluster', false], ['verify', false],
    ]),
  },
  accessPolicyVault: {
    name: 'customer-managed key in a vault that uses access policies, new key',
    config: { ...cmkExisting('Public'), key: { kind: 'new', name: 'aks-kms' } },
    facts: factsFor({ vault: prodVault({ enableRbacAuthorization: false }), identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' } }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['createKey', false], ['createIdentity', true], ['grantAccessPolicyToIdentity', false],
      ['updateCluster', false], ['verify', false],
    ]),
  },
  systemAssignedWithSubnets: {
    name: 'system-assigned cluster on custom subnets, new identity',
    config: cmkNewVault('Public'),
    facts: factsFor({
      clusterJson: clusterJson({}, 'SystemAssigned'),
      subnets: [{ id: SUBNET_A, currentIdentityHasRole: true, newIdentityHasRole: false }, { id: SUBNET_B, currentIdentityHasRole: true, newIdentityHasRole: true }],
    }),
    preview: previewOf([
      ...featureDone, ['createVault', false], ['assignCryptoOfficerToUser', false], ['createKey', false], ['createIdentity', false],
      ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false], ['assignNetworkContributorToIdentity', false],
      ['updateCluster', false], ['verify', false],
    ]),
  },
  allDone: {
    name: 'every step already done',
    config: cmkExisting('Private'),
    facts: factsFor({
      vault: prodVault({ networkDefaultAction: 'Deny' }), key: { name: 'aks-kms', kty: 'RSA', enabled: true },
      identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' },
      subnets: [{ id: SUBNET_A, newIdentityHasRole: true }],
    }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['enablePurgeProtection', true], ['assignCryptoOfficerToUser', true], ['createKey', true],
      ['lockFirewall', true], ['createIdentity', true], ['assignCryptoUserToIdentity', true], ['assignContributorToIdentity', true],
      ['assignNetworkContributorToIdentity', true], ['updateCluster', true], ['verify', false],
    ]),
  },
  quotedResourceGroup: {
    name: 'resource groups whose names hold a space and a quote',
    config: { ...cmkNewVault('Public'), clusterId: quotedClusterJson().id, vault: { kind: 'new', name: 'kvnew01', resourceGroup: QUOTED_RG, location: 'east us' }, identity: { kind: 'new', name: 'id-aks1', resourceGroup: QUOTED_RG, location: 'east us' } },
    facts: factsFor({ clusterJson: quotedClusterJson() }),
    preview: newVaultSteps('Public'),
  },
} satisfies Record<string, Flow>;

const scriptOf = (flow: Flow) => renderAzScript(flow.config, flow.facts, flow.preview);

// ---------------------------------------------------------------------------------------------------------------
// Static checks: bash syntax and ShellCheck.

function bashSyntax(script: string): { status: number | null; stderr: string } {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function shellcheck(script: string): { status: number | null; output: string } {
  const r = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
  if (r.error) {
    assert.fail(`ShellCheck is not installed, and this test needs it (${r.error.message}). Install it: apt-get install -y shellcheck (Debian/Ubuntu) or see https://www.shellcheck.net`);
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Index of the first line matching, or -1. */
function lineIndex(script: string, pattern: RegExp): number {
  return script.split('\n').findIndex(l => pattern.test(l));
}

// ---------------------------------------------------------------------------------------------------------------
// A stand-in `az` that records calls. Fault files: fail.<command words joined by _> holds how many calls fail.
// Written with %{ for bash's ${ (a template literal would expand it).

const FAKE_AZ = String.raw`#!/usr/bin/env bash
set -u
dir=$FAKE_AZ_DIR
args=("$@")
{ printf '%s\x1f' "$@"; printf '\n'; } >> "$dir/calls"
words=()
for a in "$@"; do
  case $a in -*) break ;; *) words+=("$a") ;; esac
done
cmd="%{words[*]}"
opt() {
  local i
  for ((i = 0; i < %{#args[@]} - 1; i++)); do
    if [ "%{args[i]}" = "$1" ]; then printf '%s' "%{args[i + 1]}"; return 0; fi
  done
  return 1
}
fault="$dir/fail.%{cmd// /_}"
if [ -f "$fault" ]; then
  n=$(cat "$fault")
  if [ "$n" -gt 0 ]; then
    echo $((n - 1)) > "$fault"
    echo "ERROR: (Forbidden) injected failure of az $cmd" >&2
    exit 1
  fi
fi
case $cmd in
  "keyvault key"*)
    if [ -f "$dir/locked" ]; then
      echo "ERROR: (Forbidden) Public network access is disabled and request is not from a trusted service. Code: ForbiddenByFirewall" >&2
      exit 1
    fi ;;
esac
case $cmd in
  version) cat "$dir/az-version" ;;
  "extension show")
    if [ -f "$dir/aks-preview" ]; then cat "$dir/aks-preview"; else echo "ERROR: The extension aks-preview is not installed." >&2; exit 1; fi ;;
  "extension add" | "extension update") cp "$dir/aks-preview-after" "$dir/aks-preview" ;;
  "feature show")
    n=$(cat "$dir/feature-polls")
    if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$dir/feature-polls"; echo Registering; else echo Registered; fi ;;
  "keyvault update")
    if [ "$(opt --default-action)" = Deny ]; then touch "$dir/locked"; fi
    echo '{}' ;;
  "keyvault show")
    case $(opt --query) in
      *vaultUri*) echo "%{FAKE_VAULT_URI}" ;;
      *accessPolicies*) cat "$dir/policy-keys" ;;
      *) echo '{}' ;;
    esac ;;
  "identity show") echo "%{FAKE_PRINCIPAL_ID}" ;;
  *) echo '{}' ;;
esac
`.replace(/%\{/g, '${');

const FAKE_SLEEP = `#!/bin/sh
echo "$*" >> "$FAKE_AZ_DIR/sleeps"
`;

interface FakeAzOptions {
  readonly azVersion?: string;
  /** The installed aks-preview version; null when it is not installed. */
  readonly aksPreview?: string | null;
  /** What `az extension add/update` installs. */
  readonly aksPreviewAfter?: string;
  /** How many `az feature show` calls answer Registering before Registered. */
  readonly featurePolls?: number;
  /** Key permissions the vault's access policy already grants (to any principal). */
  readonly policyKeys?: readonly string[];
  /** Failures to inject: command words (e.g. "keyvault key create") → how many calls fail. */
  readonly failures?: Readonly<Record<string, number>>;
}

interface FakeAzRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every az call's arguments, in order. */
  readonly calls: string[][];
  readonly sleeps: number;
}

function runWithFakeAz(script: string, options: FakeAzOptions = {}): FakeAzRun {
  const dir = mkdtempSync(join(tmpdir(), 'azscript-'));
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'az'), FAKE_AZ);
    writeFileSync(join(bin, 'sleep'), FAKE_SLEEP);
    chmodSync(join(bin, 'az'), 0o755);
    chmodSync(join(bin, 'sleep'), 0o755);
    writeFileSync(join(dir, 'calls'), '');
    writeFileSync(join(dir, 'sleeps'), '');
    writeFileSync(join(dir, 'az-version'), `${options.azVersion ?? '2.73.0'}\n`);
    if (options.aksPreview !== null) {
      writeFileSync(join(dir, 'aks-preview'), `${options.aksPreview ?? MIN_AKS_PREVIEW_VERSION}\n`);
    }
    writeFileSync(join(dir, 'aks-preview-after'), `${options.aksPreviewAfter ?? MIN_AKS_PREVIEW_VERSION}\n`);
    writeFileSync(join(dir, 'feature-polls'), `${options.featurePolls ?? 0}\n`);
    writeFileSync(join(dir, 'policy-keys'), (options.policyKeys ?? []).map(k => `${k}\n`).join(''));
    for (const [command, count] of Object.entries(options.failures ?? {})) {
      writeFileSync(join(dir, `fail.${command.replace(/ /g, '_')}`), `${count}\n`);
    }
    const r = spawnSync('bash', ['-s'], {
      input: script,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, FAKE_AZ_DIR: dir, FAKE_VAULT_URI, FAKE_PRINCIPAL_ID },
      timeout: 30_000,
    });
    const calls = readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(l => l.length > 0).map(l => l.split('\x1f').slice(0, -1));
    const sleeps = readFileSync(join(dir, 'sleeps'), 'utf8').split('\n').filter(l => l.length > 0).length;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls, sleeps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The command words of a call ("keyvault key create"), without its options. */
function commandOf(call: readonly string[]): string {
  const end = call.findIndex(a => a.startsWith('-'));
  return (end < 0 ? call : call.slice(0, end)).join(' ');
}

function optionOf(call: readonly string[], name: string): string | undefined {
  const i = call.indexOf(name);
  return i >= 0 ? call[i + 1] : undefined;
}

const indexOfCall = (run: FakeAzRun, pred: (call: string[]) => boolean) => run.calls.findIndex(pred);
const callsOf = (run: FakeAzRun, command: string) => run.calls.filter(c => commandOf(c) === command);
const WRITES = /^(feature register|provider register|keyvault create|keyvault update|keyvault set-policy|keyvault key create|role assignment create|identity create|aks update|extension add|extension update)$/;

// ---------------------------------------------------------------------------------------------------------------

describe('az script: valid bash for every flow', () => {
  for (const [key, flow] of Object.entries(FLOWS) as [string, Flow][]) {
    it(`${key} (${flow.name}): bash -n and ShellCheck pass`, () => {
      const script = scriptOf(flow);
      const syntax = bashSyntax(script);
      assert.equal(syntax.status, 0, `bash -n failed:\n${syntax.stderr}\n${script}`);
      const check = shellcheck(script);
      assert.equal(check.status, 0, `shellcheck failed:\n${check.output}`);
    });
    it(`${key}: runs to the end against a stand-in az`, () => {
      const run = runWithFakeAz(scriptOf(flow), { featurePolls: 2 });
      assert.equal(run.status, 0, `exit ${run.status}\n${run.stderr}`);
      assert.equal(commandOf(run.calls.at(-1)!), 'aks show', 'the last call is the verification');
    });
  }
});

describe('az script: the key ID is read before the firewall closes', () => {
  it('Private, new vault: KEY_ID is set before the --default-action Deny line and passed to az aks update', () => {
    const script = scriptOf(FLOWS.cmkPrivateNew);
    const keyIdLine = lineIndex(script, /^KEY_ID=/);
    const denyLine = lineIndex(script, /--default-action Deny/);
    assert.ok(keyIdLine >= 0 && denyLine > keyIdLine, `KEY_ID at line ${keyIdLine}, Deny at line ${denyLine}`);
    assert.ok(lineIndex(script, /^retry az keyvault key create/) < keyIdLine, 'right after the key is created');
    assert.match(script, /--azure-keyvault-kms-key-id "\$KEY_ID"/);
  });

  it('Private, new vault, run: the key is created before the lock, nothing touches the data plane after it, and AKS gets the versionless ID', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.cmkPrivateNew));
    assert.equal(run.status, 0, run.stderr);
    const keyCreate = indexOfCall(run, c => commandOf(c) === 'keyvault key create');
    const lock = indexOfCall(run, c => commandOf(c) === 'keyvault update' && optionOf(c, '--default-action') === 'Deny');
    assert.ok(keyCreate >= 0 && lock > keyCreate, 'key created, then firewall locked');
    assert.ok(!run.calls.slice(lock + 1).some(c => commandOf(c).startsWith('keyvault key')), 'no data-plane call after the lock (the firewall would refuse it)');
    const [update] = callsOf(run, 'aks update');
    assert.equal(optionOf(update, '--azure-keyvault-kms-key-id'), 'https://kvnew01.vault.azure.net/keys/aks-kms');
    assert.equal(optionOf(update, '--azure-keyvault-kms-key-vault-network-access'), 'Private');
    assert.ok(indexOfCall(run, c => commandOf(c) === 'aks update') > lock);
  });

  it('existing vault and key: the versionless ID is written literally (no data-plane read), before the lock', () => {
    const flow = FLOWS.cmkPrivateExisting;
    const script = scriptOf(flow);
    assert.match(script, /^KEY_ID=https:\/\/kvprod\.vault\.azure\.net\/keys\/aks-kms$/m);
    assert.ok(lineIndex(script, /^KEY_ID=/) < lineIndex(script, /^az keyvault update .*--default-action Deny/));
    assert.match(script, /^# retry az keyvault key create/m, 'the key create stays, commented out');
    const run = runWithFakeAz(script);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(callsOf(run, 'keyvault key create').length, 0);
    assert.equal(optionOf(callsOf(run, 'aks update')[0], '--azure-keyvault-kms-key-id'), 'https://kvprod.vault.azure.net/keys/aks-kms');
  });

  it('the identity principal ID is computed once, into a variable the role assignments use', () => {
    const script = scriptOf(FLOWS.cmkPublicNew);
    assert.equal(script.match(/az identity show/g)?.length, 1, 'one az identity show');
    assert.ok(lineIndex(script, /^IDENTITY_PRINCIPAL_ID=\$\(az identity show/) > lineIndex(script, /^az identity create/));
    const run = runWithFakeAz(script);
    assert.equal(run.status, 0, run.stderr);
    const identityRoles = callsOf(run, 'role assignment create').filter(c => optionOf(c, '--assignee-principal-type') === 'ServicePrincipal');
    assert.deepEqual(identityRoles.map(c => [optionOf(c, '--role'), optionOf(c, '--assignee-object-id'), optionOf(c, '--scope')]), [
      ['Key Vault Crypto User', FAKE_PRINCIPAL_ID, NEW_VAULT_ID],
      ['Key Vault Contributor', FAKE_PRINCIPAL_ID, NEW_VAULT_ID],
    ]);
  });
});

describe('az script: prerequisites', () => {
  it('the checks come before az account set, in every flow', () => {
    for (const flow of Object.values(FLOWS) as Flow[]) {
      const script = scriptOf(flow);
      const azCheck = lineIndex(script, /version_at_least "\$AZ_VERSION" 2\.73\.0/);
      const extCheck = lineIndex(script, /version_at_least "\$AKS_PREVIEW_VERSION" 19\.0\.0b13/);
      const accountSet = lineIndex(script, /^az account set --subscription /);
      assert.ok(azCheck >= 0 && extCheck > azCheck && accountSet > extCheck, flow.name);
    }
  });

  it('an Azure CLI older than 2.73.0 stops the script with "az upgrade", before anything else', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.pmk), { azVersion: '2.72.0' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /2\.72\.0 is older than 2\.73\.0.*az upgrade/);
    assert.deepEqual(run.calls.map(commandOf), ['version']);
  });

  it('versions compare by number: 2.100.0 is newer than 2.73.0', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.pmk), { azVersion: '2.100.0' });
    assert.equal(run.status, 0, run.stderr);
  });

  it('a missing aks-preview is added, before az account set', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.pmk), { aksPreview: null });
    assert.equal(run.status, 0, run.stderr);
    const add = indexOfCall(run, c => c.join(' ') === 'extension add --name aks-preview');
    assert.ok(add >= 0 && add < indexOfCall(run, c => commandOf(c) === 'account set'));
    assert.equal(callsOf(run, 'extension update').length, 0);
  });

  for (const [installed, updates] of [['18.0.0b40', true], ['19.0.0b2', true], ['19.0.0b13', false], ['19.0.0', false], ['20.0.0b1', false]] as const) {
    it(`aks-preview ${installed} ${updates ? 'is updated' : 'is kept'} (19.0.0b13 or later is needed)`, () => {
      const run = runWithFakeAz(scriptOf(FLOWS.pmk), { aksPreview: installed });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(callsOf(run, 'extension update').length, updates ? 1 : 0);
      assert.equal(callsOf(run, 'extension add').length, 0);
    });
  }

  it('an update that still leaves aks-preview too old stops the script before az account set', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.pmk), { aksPreview: '18.0.0b1', aksPreviewAfter: '19.0.0b12' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /aks-preview 19\.0\.0b12 is still older than 19\.0\.0b13/);
    assert.equal(callsOf(run, 'account set').length, 0);
  });
});

describe('az script: feature registration', () => {
  it('the provider is re-registered after the feature registration, which waits for Registered', () => {
    const script = scriptOf(FLOWS.pmk);
    assert.ok(lineIndex(script, /^az provider register --namespace Microsoft\.ContainerService/) > lineIndex(script, /^az feature register /));
    const run = runWithFakeAz(script, { featurePolls: 3 });
    assert.equal(run.status, 0, run.stderr);
    const register = indexOfCall(run, c => commandOf(c) === 'feature register');
    const shows = run.calls.map((c, i) => [commandOf(c), i] as const).filter(([c]) => c === 'feature show').map(([, i]) => i);
    const provider = indexOfCall(run, c => commandOf(c) === 'provider register');
    assert.equal(shows.length, 4, 'polled until Registered');
    assert.ok(register < shows[0] && shows.at(-1)! < provider && provider < indexOfCall(run, c => commandOf(c) === 'aks update'));
    assert.equal(run.sleeps, 3);
  });

  it('the provider registration runs whenever the feature registration does, even if the preview lists it as done', () => {
    const flow: Flow = { ...FLOWS.pmk, preview: previewOf([['registerFeature', false], ['registerProvider', true], ['updateCluster', false], ['verify', false]]) };
    assert.match(scriptOf(flow), /^az provider register --namespace Microsoft\.ContainerService/m);
  });

  it('a feature that is already registered is not registered again', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.migrateToPmk));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(callsOf(run, 'feature register').length + callsOf(run, 'provider register').length, 0);
  });
});

describe('az script: waiting for role propagation', () => {
  it('the key create and the cluster update are wrapped in the bounded retry', () => {
    const script = scriptOf(FLOWS.cmkPrivateNew);
    assert.match(script, /^retry az keyvault key create /m);
    assert.match(script, /^retry az aks update /m);
    assert.match(script, new RegExp(`if \\[ "\\$attempt" -ge ${RETRY_ATTEMPTS} \\]`));
  });

  it('a key create denied twice and a cluster update refused once are retried, with waits between', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.cmkPrivateNew), { failures: { 'keyvault key create': 2, 'aks update': 1 } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(callsOf(run, 'keyvault key create').length, 3);
    assert.equal(callsOf(run, 'aks update').length, 2);
    assert.equal(run.sleeps, 3);
  });

  it('the retry gives up after its limit, and nothing after the failed step runs', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.cmkPrivateNew), { failures: { 'keyvault key create': RETRY_ATTEMPTS + 5 } });
    assert.notEqual(run.status, 0);
    assert.equal(callsOf(run, 'keyvault key create').length, RETRY_ATTEMPTS);
    assert.equal(run.sleeps, RETRY_ATTEMPTS - 1);
    assert.equal(callsOf(run, 'keyvault update').length + callsOf(run, 'aks update').length, 0);
  });

  it('az aks update for a customer-managed key answers the identity-change prompt (--yes) and enables the managed identity it assigns', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.systemAssignedWithSubnets));
    assert.equal(run.status, 0, run.stderr);
    const [update] = callsOf(run, 'aks update');
    assert.ok(update.includes('--yes'));
    assert.ok(update.includes('--enable-managed-identity'));
    assert.equal(optionOf(update, '--assign-identity'), IDENTITY_ID);
  });
});

describe('az script: identities and access', () => {
  it('the Crypto Officer assignment uses the signed-in principal type', () => {
    const asSp: Flow = { ...FLOWS.cmkPublicNew, facts: factsFor({ user: { objectId: USER_OID, canAssignRoles: true, principalType: 'ServicePrincipal' } }) };
    assert.match(scriptOf(asSp), /--role "Key Vault Crypto Officer" --assignee-object-id \S+ --assignee-principal-type ServicePrincipal /);
    assert.match(scriptOf(FLOWS.cmkPublicNew), /--role "Key Vault Crypto Officer" --assignee-object-id \S+ --assignee-principal-type User /);
  });

  it('access-policy vault: set-policy for the user before the key create and encrypt/decrypt for the identity, keeping permissions already held; no RBAC roles', () => {
    const script = scriptOf(FLOWS.accessPolicyVault);
    assert.doesNotMatch(script, /Key Vault Crypto (Officer|User)|Key Vault Contributor"/);
    const run = runWithFakeAz(script, { policyKeys: ['Get', 'wrapKey'] });
    assert.equal(run.status, 0, run.stderr);
    const policies = callsOf(run, 'keyvault set-policy');
    assert.equal(policies.length, 2);
    const [user, identity] = policies;
    assert.equal(optionOf(user, '--object-id'), USER_OID);
    assert.deepEqual(user.slice(user.indexOf('--key-permissions') + 1), ['create', 'get', 'wrapkey']);
    assert.equal(optionOf(identity, '--object-id'), 'p-id-aks1');
    assert.deepEqual(identity.slice(identity.indexOf('--key-permissions') + 1), ['decrypt', 'encrypt', 'get', 'wrapkey']);
    assert.equal(optionOf(identity, '--name'), 'kvprod');
    assert.ok(run.calls.indexOf(user) < indexOfCall(run, c => commandOf(c) === 'keyvault key create'));
    assert.ok(run.calls.indexOf(identity) < indexOfCall(run, c => commandOf(c) === 'aks update'));
  });

  it('system-assigned cluster on custom subnets: Network Contributor for the new identity on each subnet that lacks it, before the update', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.systemAssignedWithSubnets));
    assert.equal(run.status, 0, run.stderr);
    const network = callsOf(run, 'role assignment create').filter(c => optionOf(c, '--role') === 'Network Contributor');
    assert.deepEqual(network.map(c => [optionOf(c, '--scope'), optionOf(c, '--assignee-object-id'), optionOf(c, '--assignee-principal-type')]), [
      [SUBNET_A, FAKE_PRINCIPAL_ID, 'ServicePrincipal'],
    ]);
    assert.ok(run.calls.indexOf(network[0]) < indexOfCall(run, c => commandOf(c) === 'aks update'));
    assert.match(scriptOf(FLOWS.systemAssignedWithSubnets), new RegExp(`^# retry az role assignment create --role "Network Contributor" .*--scope ${SUBNET_B.replace(/\//g, '\\/')} {2}# the identity already holds it$`, 'm'));
  });
});

describe('az script: steps already done', () => {
  it('stay in the script, commented out, including every line of a multi-line command', () => {
    const script = scriptOf(FLOWS.allDone);
    assert.match(script, /^# updateCluster — already done\n# retry az aks update [^\n]* \\\n# {3}--kms-infrastructure-encryption Enabled \\\n/m);
    for (const line of script.split('\n')) {
      assert.doesNotMatch(line, /^\s+--/, `an option line runs on its own: ${line}`);
    }
  });

  it('all done: the script defines its variables, writes nothing and only verifies', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.allDone));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.calls.map(commandOf).filter(c => WRITES.test(c)), []);
    assert.match(run.stdout, /^KEY_ID=https:\/\/kvprod\.vault\.azure\.net\/keys\/aks-kms$/m);
    assert.match(run.stdout, /^IDENTITY_PRINCIPAL_ID=p-id-aks1$/m);
    assert.deepEqual(run.calls.map(commandOf).slice(-2), ['account set', 'aks show']);
  });
});

describe('az script: quoting', () => {
  it('a resource group with a space and a quote reaches az intact', () => {
    const flow = FLOWS.quotedResourceGroup;
    const script = scriptOf(flow);
    assert.match(script, /--resource-group 'rg o'\\''brien' /);
    const run = runWithFakeAz(script);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(optionOf(callsOf(run, 'aks update')[0], '--resource-group'), QUOTED_RG);
    assert.equal(optionOf(callsOf(run, 'keyvault create')[0], '--resource-group'), QUOTED_RG);
    assert.equal(optionOf(callsOf(run, 'keyvault create')[0], '--location'), 'east us');
    assert.equal(optionOf(callsOf(run, 'identity create')[0], '--resource-group'), QUOTED_RG);
    const vaultId = `/subscriptions/${SUB}/resourceGroups/${QUOTED_RG}/providers/Microsoft.KeyVault/vaults/kvnew01`;
    assert.ok(callsOf(run, 'role assignment create').every(c => optionOf(c, '--scope') === vaultId));
    assert.equal(optionOf(callsOf(run, 'aks show')[0], '--resource-group'), QUOTED_RG);
  });
});
