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
import {
  GRANT_KEY_PERMISSIONS_FUNCTION, MIN_AKS_PREVIEW_VERSION, RETRY_ATTEMPTS, RETRY_DELAY_SECONDS, RETRY_FUNCTION, VERSION_FUNCTIONS, WAIT_FOR_FEATURE_FUNCTION,
} from '../../src/kms/enable/azScriptPrelude';
import { type CmkConfig, KEY_VAULT_ARM_API_VERSION, kmsKeyArmBody } from '../../src/kms/enable/config';
import { buildPlan, type StepId } from '../../src/kms/enable/plan';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { clusterJson, fakePorts, newWorld, SUB, USER_OID } from './fakeAzure';
import {
  cmkNewVault, factsFor, type Flow, FLOWS, IDENTITY_ID, NEW_VAULT_ID, previewOf, PROD_VAULT_ID, prodVault, QUOTED_RG, SUBNET_A, SUBNET_B,
} from './enableFlows';

/** What the stand-in `az` answers for the new vault's URI and a new identity's principal ID. */
const FAKE_VAULT_URI = 'https://kvnew01.vault.azure.net/';
const FAKE_PRINCIPAL_ID = 'p-id-new';

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
  /** The vault's firewall denies public access from the start: every data-plane key call is refused. */
  readonly firewalled?: boolean;
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
    if (options.firewalled) {
      writeFileSync(join(dir, 'locked'), '');
    }
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
const WRITES = /^(feature register|provider register|keyvault create|keyvault update|keyvault set-policy|keyvault key create|role assignment create|identity create|aks update|extension add|extension update|rest)$/;

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

describe('az script: a new key in a vault whose firewall is already closed', () => {
  const flow = FLOWS.cmkPrivateFirewalledNewKey;
  const keyUrl = `${PROD_VAULT_ID}/keys/aks-kms?api-version=${KEY_VAULT_ARM_API_VERSION}`;

  it('Private, existing firewalled vault (Deny), new key: runs to the end while the data plane refuses every key call', () => {
    const run = runWithFakeAz(scriptOf(flow), { firewalled: true });
    assert.equal(run.status, 0, `exit ${run.status}\n${run.stderr}`);
    assert.equal(commandOf(run.calls.at(-1)!), 'aks show', 'the last call is the verification');
    assert.deepEqual(run.calls.filter(c => commandOf(c).startsWith('keyvault key')), [], 'no data-plane key call');
    assert.equal(optionOf(callsOf(run, 'aks update')[0], '--azure-keyvault-kms-key-id'), 'https://kvprod.vault.azure.net/keys/aks-kms');
  });

  it('the key is created through ARM: a PUT of Microsoft.KeyVault/vaults/keys with the key the product creates, before the cluster update', () => {
    const run = runWithFakeAz(scriptOf(flow), { firewalled: true });
    assert.equal(run.status, 0, run.stderr);
    const puts = callsOf(run, 'rest');
    assert.equal(puts.length, 1);
    const [put] = puts;
    assert.equal(optionOf(put, '--method'), 'put');
    assert.equal(optionOf(put, '--url'), keyUrl, 'a resource ID without a host: az rest sends it to the current cloud\'s Resource Manager');
    assert.deepEqual(JSON.parse(optionOf(put, '--body') ?? ''), { properties: { kty: 'RSA', keySize: 2048, keyOps: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] } });
    assert.deepEqual(JSON.parse(optionOf(put, '--body') ?? ''), kmsKeyArmBody(), 'the same body as the product\'s ARM create');
    assert.ok(run.calls.indexOf(put) < indexOfCall(run, c => commandOf(c) === 'aks update'));
    assert.ok(run.calls.indexOf(put) > indexOfCall(run, c => commandOf(c) === 'role assignment create' && optionOf(c, '--role') === 'Key Vault Crypto Officer'));
  });

  it('the ARM create is retried while a role assignment propagates', () => {
    const run = runWithFakeAz(scriptOf(flow), { firewalled: true, failures: { rest: 2 } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(callsOf(run, 'rest').length, 3);
  });

  it('public network access Disabled (default action Allow) also creates the key through ARM', () => {
    const disabled: Flow = { ...flow, facts: { ...flow.facts, vault: prodVault({ publicNetworkAccess: 'Disabled', networkDefaultAction: 'Allow' }) } };
    const run = runWithFakeAz(scriptOf(disabled), { firewalled: true });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(optionOf(callsOf(run, 'rest')[0], '--url'), keyUrl);
  });

  it('an open vault keeps the documented az keyvault key create, and no az rest', () => {
    const open: Flow = { ...flow, facts: { ...flow.facts, vault: prodVault() } };
    const script = scriptOf(open);
    assert.match(script, /^retry az keyvault key create --vault-name kvprod --name aks-kms --kty RSA --size 2048$/m);
    assert.doesNotMatch(script, /az rest/);
  });

  it('the step says why it goes through ARM', () => {
    assert.match(stepComment(scriptOf(flow), 'createKey'),
      /through Azure Resource Manager: the vault's firewall applies only to the data plane \(az keyvault key create\), not to control-plane calls \(\[KV-NET\] "Usage scenarios"\)\. A --url without a host goes to the current cloud's Resource Manager \(\[REST\]\)\./);
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

// ---------------------------------------------------------------------------------------------------------------
// The helpers on their own (azScriptPrelude.ts): each shell function run directly, and what the script tells its reader.

/** A script defining every helper, then `body`. */
const withHelpers = (body: string) =>
  ['set -euo pipefail', ...VERSION_FUNCTIONS, ...RETRY_FUNCTION, ...WAIT_FOR_FEATURE_FUNCTION, ...GRANT_KEY_PERMISSIONS_FUNCTION, body].join('\n');

/** The comment block directly above `line`, as one sentence: "# " prefixes and line-continuation indents removed. */
function commentAbove(script: string, line: string | RegExp): string {
  const lines = script.split('\n');
  const at = typeof line === 'string' ? lines.indexOf(line) : lines.findIndex(l => line.test(l));
  assert.ok(at >= 0, `no line ${line}`);
  let start = at;
  while (start > 0 && lines[start - 1].startsWith('#') && !lines[start - 1].startsWith('#!')) {
    start--;
  }
  return lines.slice(start, at).map(l => l.replace(/^#\s*/, '')).join(' ');
}

describe('az script helpers: version_at_least', () => {
  const cases: [have: string, want: string, atLeast: boolean][] = [
    ['2.73.0', '2.73.0', true],
    ['2.73.1', '2.73.2', false],
    ['2.73.2', '2.73.1', true],
    ['2.72.9', '2.73.0', false],
    ['2.100.0', '2.73.0', true],
    ['2.9.0', '2.10.0', false],
    ['3.0.0', '2.73.0', true],
    ['1.99.99', '2.73.0', false],
    ['2.73', '2.73.0', true],
    ['3', '2.73.0', true],
    ['2.08.0', '2.8.0', true],
    ['19.0.0b13', '19.0.0b13', true],
    ['19.0.0b2', '19.0.0b13', false],
    ['19.0.0b14', '19.0.0b13', true],
    ['19.0.0a20', '19.0.0b1', false],
    ['19.0.0rc1', '19.0.0b13', true],
    ['19.0.0', '19.0.0rc3', true],
    ['19.0.0rc3', '19.0.0', false],
    ['19.0.1b1', '19.0.0', true],
    ['18.0.0b40', '19.0.0b13', false],
  ];
  it('compares versions by number, with a, b and rc pre-releases before their release (table)', () => {
    const body = cases.map(([have, want]) => `if version_at_least ${have} ${want}; then echo yes; else echo no; fi`).join('\n');
    const run = runWithFakeAz(withHelpers(body));
    assert.equal(run.status, 0, run.stderr);
    const answers = run.stdout.trim().split('\n');
    assert.deepEqual(cases.map(([have, want], i) => `${have} >= ${want}: ${answers[i]}`), cases.map(([have, want, atLeast]) => `${have} >= ${want}: ${atLeast ? 'yes' : 'no'}`));
  });
});

describe('az script helpers: retry, wait_for_feature, grant_key_permissions', () => {
  it('retry says which attempt failed and what it waits for, then gives up with the command', () => {
    const run = runWithFakeAz(withHelpers('retry az keyvault key create --vault-name kv1 --name k1'), { failures: { 'keyvault key create': RETRY_ATTEMPTS } });
    assert.notEqual(run.status, 0);
    const lines = run.stderr.split('\n').filter(l => !l.startsWith('ERROR:') && l.length > 0);
    assert.equal(lines[0], `Attempt 1 of ${RETRY_ATTEMPTS} failed (a new role assignment can take minutes to apply); retrying in ${RETRY_DELAY_SECONDS} s: az keyvault key`);
    assert.equal(lines.length, RETRY_ATTEMPTS);
    assert.equal(lines.at(-1), `Failed ${RETRY_ATTEMPTS} times, giving up: az keyvault key create --vault-name kv1 --name k1`);
  });

  it('a feature that never reaches Registered stops the script after 60 polls (30 minutes), before the provider and the cluster update', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.pmk), { featurePolls: 1000 });
    assert.notEqual(run.status, 0);
    assert.equal(callsOf(run, 'feature show').length, 60);
    assert.equal(run.sleeps, 60);
    assert.equal(callsOf(run, 'provider register').length + callsOf(run, 'aks update').length, 0);
    assert.match(run.stderr, /^KMSPMKPreview is Registering \(1\/60\); checking again in 30 s$/m);
    assert.match(run.stderr, /^KMSPMKPreview is still Registering after 30 minutes; run this script again later to continue\.$/m);
  });

  it('grant_key_permissions keeps the permissions the principal holds, in lower case, once each', () => {
    const run = runWithFakeAz(withHelpers('grant_key_permissions kv1 rg-kv p-1 encrypt Decrypt'), { policyKeys: ['Get', 'decrypt', 'WrapKey'] });
    assert.equal(run.status, 0, run.stderr);
    const [read] = callsOf(run, 'keyvault show');
    assert.match(optionOf(read, '--query') ?? '', /accessPolicies\[\?objectId=='p-1'\]\.permissions\.keys/);
    const [policy] = callsOf(run, 'keyvault set-policy');
    assert.deepEqual([optionOf(policy, '--name'), optionOf(policy, '--resource-group'), optionOf(policy, '--object-id')], ['kv1', 'rg-kv', 'p-1']);
    assert.deepEqual(policy.slice(policy.indexOf('--key-permissions') + 1), ['decrypt', 'encrypt', 'get', 'wrapkey']);
  });

  it('the helpers keep their working variables to themselves: a script using the same names keeps its values', () => {
    const names = ['have', 'want', 'attempt', 'state', 'poll', 'vault', 'group', 'object_id', 'current', 'permissions'];
    const run = runWithFakeAz(withHelpers([
      ...names.map(n => `${n}=caller-${n}`),
      'version_at_least 2.73.0 2.72.0',
      'retry az account show',
      'wait_for_feature Microsoft.ContainerService KMSPMKPreview',
      'grant_key_permissions kv1 rg-kv p-1 encrypt',
      ...names.map(n => `echo "${n}=$${n}"`),
    ].join('\n')), { featurePolls: 1, failures: { 'account show': 1 } });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n').slice(-names.length), names.map(n => `${n}=caller-${n}`));
  });
});

describe('az script helpers: prerequisites', () => {
  it('without the Azure CLI the script stops at once, with nothing but where to install it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'azscript-noaz-'));
    try {
      const bash = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
      const r = spawnSync(bash, ['-s'], { input: scriptOf(FLOWS.pmk), encoding: 'utf8', env: { PATH: empty } });
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'The Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli\n');
      assert.equal(r.stdout, '');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says what it does to aks-preview: installing a missing one, updating an old one', () => {
    assert.match(runWithFakeAz(scriptOf(FLOWS.pmk), { aksPreview: null }).stdout,
      /^Installing the aks-preview extension: az extension add --name aks-preview$/m);
    assert.match(runWithFakeAz(scriptOf(FLOWS.pmk), { aksPreview: '18.0.0b40' }).stdout,
      /^Updating aks-preview 18\.0\.0b40 to 19\.0\.0b13 or later: az extension update --name aks-preview$/m);
  });
});

describe('az script helpers: what the script tells its reader', () => {
  const cases: [what: string, flow: Flow, line: string, says: RegExp[]][] = [
    ['version_at_least: what succeeds, how pre-releases order, why not sort -V', FLOWS.pmk, 'version_key() {', [
      /^Succeeds when version \$1 is at least version \$2\. /,
      /\(PEP 440: a, b and rc pre-releases sort before their release\)/,
      /because `sort -V` is missing or orders pre-releases differently on some systems\.$/,
    ]],
    ['retry: why it retries, the documentation, and its bound', FLOWS.cmkPrivateNew, 'retry() {', [
      /^Runs a command, retrying while a new role assignment propagates: /,
      /\(\[RBAC\] "Symptom - Role assignment changes are not being detected"\)/,
      /\(\[RBAC\] "Symptom - Assigning a role to a new principal sometimes fails"\)/,
      /AKS checks the cluster identity's Key Vault permissions when it enables KMS\./,
      new RegExp(`Any failure is retried, at most ${RETRY_ATTEMPTS} times, ${RETRY_DELAY_SECONDS} s apart\\.$`),
    ]],
    ['wait_for_feature: the documented step and how long it waits', FLOWS.pmk, 'wait_for_feature() {', [
      /^\[KMS\] "Register the feature flag": .*Waits up to 30 minutes\.$/,
    ]],
    ['grant_key_permissions: why it reads first, and its usage', FLOWS.accessPolicyVault, 'grant_key_permissions() {', [
      /^Adds key permissions to a principal's access policy on a vault that uses access policies instead of Azure RBAC /,
      /\(\[LEGACY\] "Assign permissions for a non-RBAC public key vault": az keyvault set-policy\)/,
      /set-policy replaces the key permissions the principal already holds/,
      /the current ones are read first, through Azure Resource Manager \(which the vault firewall does not filter\), and kept\./,
      /Usage: grant_key_permissions <vault> <resource group> <object id> <permission>\.\.\.$/,
    ]],
    ['prerequisites: the versions needed and why aks-preview', FLOWS.migrateToPmk, 'if ! command -v az >/dev/null 2>&1; then', [
      /^Prerequisites \(\[KMS\] "Prerequisites"\): Azure CLI 2\.73\.0 or later, and the aks-preview extension 19\.0\.0b13 or later, which adds --kms-infrastructure-encryption to az aks\.$/,
    ]],
  ];
  for (const [what, flow, line, says] of cases) {
    it(`the comment above ${what}`, () => {
      const comment = commentAbove(scriptOf(flow), line);
      for (const phrase of says) {
        assert.match(comment, phrase);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// What each flow's script says, step by step, and in which order.

/** The order in which the script writes the plan's steps (each after the steps it depends on). */
const SCRIPT_ORDER: readonly StepId[] = [
  'registerFeature', 'registerProvider', 'createVault', 'enablePurgeProtection', 'assignCryptoOfficerToUser', 'createKey', 'lockFirewall',
  'createIdentity', 'assignCryptoUserToIdentity', 'assignContributorToIdentity', 'grantAccessPolicyToIdentity', 'assignNetworkContributorToIdentity',
  'updateCluster', 'verify',
];

/** The step headers of a script, in order: "createKey" or "createKey — already done". */
const headersOf = (script: string) => script.split('\n').filter(l => /^# [a-zA-Z]+( — already done)?$/.test(l) && SCRIPT_ORDER.includes(l.slice(2).split(' ')[0] as StepId)).map(l => l.slice(2));

/** The reason written above a step's header, as one sentence. */
const stepComment = (script: string, id: StepId) => commentAbove(script, new RegExp(`^# ${id}( — already done)?$`));

describe('az script: the plan, step by step', () => {
  for (const [key, flow] of Object.entries(FLOWS) as [string, Flow][]) {
    it(`${key}: a header per plan step, in dependency order, "already done" exactly where predicted; an existing vault or identity is not created`, () => {
      const done = new Map(flow.preview.map(p => [p.id, p.alreadyDone]));
      const config = flow.config;
      const existing = (id: StepId) => config.kind === 'cmk' && ((id === 'createVault' && config.vault.kind === 'existing') || (id === 'createIdentity' && config.identity.kind === 'existing'));
      // The provider refresh runs whenever the feature registration does (the docs refresh it after every registration).
      if (done.has('registerFeature')) {
        done.set('registerProvider', done.get('registerFeature')! && (done.get('registerProvider') ?? true));
      }
      const expected = SCRIPT_ORDER.filter(id => done.has(id) && !existing(id)).map(id => `${id}${done.get(id) ? ' — already done' : ''}`);
      assert.deepEqual(headersOf(scriptOf(flow)), expected);
    });
  }

  it('the script\'s order runs every step after the steps it depends on in the real plan', () => {
    const world = newWorld({ feature: 'NotRegistered' });
    for (const flow of [FLOWS.cmkPrivateNew, FLOWS.accessPolicyVault, FLOWS.systemAssignedWithSubnets, FLOWS.purgeProtectionAdded, FLOWS.pmk] as Flow[]) {
      const plan = buildPlan(flow.config, flow.facts, fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
      const order = headersOf(renderAzScript(flow.config, flow.facts, plan.preview)).map(h => h.split(' ')[0]);
      for (const step of plan.preview) {
        for (const dep of step.dependsOn) {
          if (order.includes(dep) && order.includes(step.id)) {
            assert.ok(order.indexOf(dep) < order.indexOf(step.id), `${flow.name}: ${step.id} after ${dep}`);
          }
        }
      }
      assert.ok(plan.preview.every(p => SCRIPT_ORDER.includes(p.id)), 'the script knows every step of the plan');
    }
  });

  it('no flow\'s script holds a value that was never set (undefined, null, NaN, an object)', () => {
    for (const flow of Object.values(FLOWS) as Flow[]) {
      assert.doesNotMatch(scriptOf(flow).replace(/>\/dev\/null/g, ''), /undefined|null|NaN|\[object /, flow.name);
    }
  });

  it('each flow defines the helpers its lines use (commented-out lines too), and no others', () => {
    for (const flow of Object.values(FLOWS) as Flow[]) {
      const lines = scriptOf(flow).split('\n');
      const defined = new Set<string>();
      const body: string[] = [];
      for (let i = 0; i < lines.length; i++) {
        const def = /^(\w+)\(\) \{$/.exec(lines[i]);
        if (def) {
          defined.add(def[1]);
          while (body.length && body.at(-1)!.startsWith('#')) {
            body.pop(); // the helper's own comment
          }
          while (lines[i] !== '}') {
            i++;
          }
        } else {
          body.push(lines[i]);
        }
      }
      const used = ['version_at_least', 'retry', 'wait_for_feature', 'grant_key_permissions'].filter(h => body.some(l => new RegExp(`(^|[#!(]\\s*)${h} `).test(l)));
      assert.deepEqual([...defined].sort(), [...used, ...(used.includes('version_at_least') ? ['version_key'] : [])].sort(), flow.name);
    }
  });

  it('the script opens as a bash script, with its title and how to read the commented-out steps', () => {
    const titles: [Flow, string][] = [
      [FLOWS.pmk, 'Platform-managed keys for AKS cluster aks1'],
      [FLOWS.cmkPublicNew, 'Customer-managed key for AKS cluster aks1'],
      [FLOWS.migrateToPmk, 'Migrate from a customer-managed key to platform-managed keys for AKS cluster aks1'],
    ];
    for (const [flow, title] of titles) {
      assert.deepEqual(scriptOf(flow).split('\n').slice(0, 4), [
        '#!/usr/bin/env bash',
        `# ${title}`,
        '# Steps predicted as already done are commented out; the variables they would use are set all the same.',
        'set -euo pipefail',
      ]);
    }
  });

  it('a cluster name with line breaks stays on the title line: nothing of it runs', () => {
    const flow: Flow = { ...FLOWS.pmk, facts: factsFor({ cluster: { ...clusterFactsOf(clusterJson()), name: 'aks1\r\n\naz group delete --name rg --yes' } }) };
    const script = scriptOf(flow);
    assert.equal(script.split('\n')[1], '# Platform-managed keys for AKS cluster aks1 az group delete --name rg --yes');
    const run = runWithFakeAz(script);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(callsOf(run, 'group delete').length, 0);
  });

  it('the subscription is set first, citing the documented step', () => {
    assert.equal(commentAbove(scriptOf(FLOWS.cmkPublicNew), /^az account set /), '[KMS] "Set up environment variables": work in the cluster\'s subscription.');
  });
});

describe('az script: the documented step each block follows', () => {
  const cases: [step: StepId, flow: Flow, says: RegExp][] = [
    ['registerFeature', FLOWS.pmk, /^\[KMS\] "Register the feature flag": register, then wait until the state is Registered\.$/],
    ['registerProvider', FLOWS.pmk, /^\[KMS\] "Register the feature flag": when the state is Registered, refresh the provider registration\. --wait returns once the provider is registered again, so the cluster update does not race it\.$/],
    ['updateCluster', FLOWS.pmk, /^\[KMS\] "Enable platform-managed keys on an existing cluster"\.$/],
    ['updateCluster', FLOWS.migrateToPmk, /^\[KMS\] "Migrate from customer-managed keys to platform-managed keys"\. The old key and vault must be kept\.$/],
    ['verify', FLOWS.migrateToPmk, /^\[KMS\] "Verify KMS configuration"\.$/],
    ['createVault', FLOWS.cmkPublicNew, /^\[KMS\] "Create a key vault and key": a vault with Azure RBAC \(plus purge protection: deleting the key loses the secrets\)\.$/],
    ['enablePurgeProtection', FLOWS.purgeProtectionAdded, /^\[LEGACY\] "Limitations": deleting the key or vault is not supported and makes the secrets unrecoverable\. az keyvault update does not prompt, so no --yes is needed \(it has none\); purge protection cannot be turned off again\.$/],
    ['assignCryptoOfficerToUser', FLOWS.cmkPublicNew, /^\[KMS\] "Create a key vault and key": Key Vault Crypto Officer for whoever runs this script, to create the key\.$/],
    ['createKey', FLOWS.cmkPublicNew, /^\[KMS\] "Create a key vault and key" \(RSA 2048, the KMS plugin's key type\)\. Retried: the Crypto Officer role assigned just before can take minutes to reach Key Vault\.$/],
    ['createKey', FLOWS.accessPolicyVault, /^\[KMS\] "Create a key vault and key" \(RSA 2048, .* reach Key Vault\. This vault uses access policies, so the key is created under an access policy for whoever runs the script\.$/],
    ['lockFirewall', FLOWS.cmkPrivateNew, /^\[KMS\] "Create a private key vault and key": only after the key exists \(otherwise this script locks itself out\)\. Trusted Azure services, AKS among them, still reach the vault through the firewall exception\.$/],
    ['createIdentity', FLOWS.cmkPublicNew, /^\[KMS\] "Create a user-assigned managed identity"\.$/],
    ['assignCryptoUserToIdentity', FLOWS.cmkPublicNew, /^\[KMS\] "Create a user-assigned managed identity": Key Vault Crypto User, for encrypt and decrypt\.$/],
    ['assignContributorToIdentity', FLOWS.cmkPublicNew, /^\[KMS\] "Create a user-assigned managed identity": Key Vault Contributor, for key management\.$/],
    ['grantAccessPolicyToIdentity', FLOWS.accessPolicyVault, /^\[LEGACY\] "Assign permissions for a non-RBAC public key vault": the vault uses access policies, so the identity gets encrypt and decrypt through one \(az keyvault set-policy, keeping what it already holds\)\.$/],
    ['assignNetworkContributorToIdentity', FLOWS.systemAssignedWithSubnets, /^The cluster's control-plane identity becomes this identity, and it manages the agent pools' custom subnets: \[AKS-MI\] "Control plane managed identity role assignments" \(your own VNet needs Network Contributor\)\.$/],
    ['updateCluster', FLOWS.cmkPrivateNew, new RegExp([
      '^\\[KMS\\] "Enable customer-managed keys on an existing cluster"\\. Additions, each so the script runs unattended: ',
      '--enable-managed-identity: az aks update accepts --assign-identity only together with it \\(\\[MI\\] "Update an existing cluster to use a user-assigned managed identity"\\); on a cluster already using this identity it changes nothing\\. ',
      '--yes: changing the control-plane identity makes az aks update ask "Are you sure you want to perform this operation\\?" \\(azure-cli aks `update_identity`\\), which fails without a terminal\\. ',
      'retry: AKS checks that the identity can encrypt and decrypt with the key, which fails until its new role has propagated \\(\\[MI\\] "Assign an Azure RBAC role": permissions can take up to 60 minutes to propagate\\)\\.$',
    ].join(''))],
  ];
  for (const [step, flow, says] of cases) {
    it(`${step} (${flow.name})`, () => {
      assert.match(stepComment(scriptOf(flow), step), says);
    });
  }

  it('the key ID and the identity\'s principal ID say what they are and where they come from', () => {
    const known = scriptOf(FLOWS.cmkPrivateExisting);
    assert.equal(commentAbove(known, /^KEY_ID=/), 'The key ID without a version, so AKS follows key rotation ([KMS] "Create a key vault and key").');
    assert.equal(commentAbove(known, /^IDENTITY_PRINCIPAL_ID=/), 'The identity\'s principal (object) ID, for its role assignments.');
    const read = scriptOf(FLOWS.cmkPrivateNew);
    assert.equal(commentAbove(read, /^VAULT_URI=/),
      'The key ID without a version, so AKS follows key rotation ([KMS] "Create a key vault and key"): the vault URI plus /keys/<name>. Read through Azure Resource Manager, which the vault firewall does not filter.');
    assert.equal(commentAbove(read, /^IDENTITY_PRINCIPAL_ID=/), 'The identity\'s principal (object) ID, for its role assignments ([KMS] "Create a user-assigned managed identity").');
  });
});

describe('az script: what the steps do', () => {
  it('an existing vault without purge protection gets it before any role or key step, and the run completes', () => {
    const run = runWithFakeAz(scriptOf(FLOWS.purgeProtectionAdded));
    assert.equal(run.status, 0, run.stderr);
    const purge = indexOfCall(run, c => commandOf(c) === 'keyvault update' && optionOf(c, '--enable-purge-protection') === 'true');
    assert.ok(purge >= 0, 'purge protection turned on');
    assert.deepEqual([optionOf(run.calls[purge], '--name'), optionOf(run.calls[purge], '--resource-group')], ['kvprod', 'rg-kv']);
    assert.ok(purge < indexOfCall(run, c => commandOf(c) === 'role assignment create'));
  });

  it('the customer-managed-key update enables Key Vault KMS with the key, the vault and its network access', () => {
    for (const flow of [FLOWS.cmkPrivateNew, FLOWS.cmkPublicNew] as Flow[]) {
      const run = runWithFakeAz(scriptOf(flow));
      assert.equal(run.status, 0, run.stderr);
      const [update] = callsOf(run, 'aks update');
      assert.ok(update.includes('--enable-azure-keyvault-kms'), flow.name);
      assert.equal(optionOf(update, '--kms-infrastructure-encryption'), 'Enabled');
      assert.equal(optionOf(update, '--azure-keyvault-kms-key-id'), 'https://kvnew01.vault.azure.net/keys/aks-kms');
      assert.equal(optionOf(update, '--azure-keyvault-kms-key-vault-resource-id'), NEW_VAULT_ID);
      assert.equal(optionOf(update, '--azure-keyvault-kms-key-vault-network-access'), (flow.config as CmkConfig).networkAccess);
    }
  });

  for (const vaultUri of ['https://kvprod.vault.azure.net/', 'https://kvprod.vault.azure.net', 'https://kvprod.vault.azure.net//']) {
    it(`the key ID from the vault URI ${vaultUri} has exactly one slash before /keys`, () => {
      const flow: Flow = { ...FLOWS.cmkPrivateExisting, facts: { ...FLOWS.cmkPrivateExisting.facts, vault: prodVault({ vaultUri }) } };
      assert.match(scriptOf(flow), /^KEY_ID=https:\/\/kvprod\.vault\.azure\.net\/keys\/aks-kms$/m);
    });
  }

  it('a network step without custom subnets says none were found and assigns nothing', () => {
    for (const subnets of [undefined, []]) {
      const flow: Flow = { ...FLOWS.systemAssignedWithSubnets, facts: { ...FLOWS.systemAssignedWithSubnets.facts, subnets } };
      const script = scriptOf(flow);
      const lines = script.split('\n');
      const header = lines.indexOf('# assignNetworkContributorToIdentity');
      assert.equal(lines[header + 1], '# (no custom subnets were found on the agent pools)');
      assert.equal(lines[header + 2], '');
      const run = runWithFakeAz(script);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(callsOf(run, 'role assignment create').filter(c => optionOf(c, '--role') === 'Network Contributor').length, 0);
    }
  });
});

describe('az script: the provider refresh follows the feature registration', () => {
  const cases: [name: string, preview: readonly (readonly [StepId, boolean])[], refreshes: boolean][] = [
    ['feature to register, provider step missing from the preview: refreshed', [['registerFeature', false]], true],
    ['feature registered, provider predicted not done: refreshed', [['registerFeature', true], ['registerProvider', false]], true],
    ['feature registered, provider predicted done: commented out', [['registerFeature', true], ['registerProvider', true]], false],
    ['feature registered, provider step missing from the preview: commented out', [['registerFeature', true]], false],
  ];
  for (const [name, steps, refreshes] of cases) {
    it(name, () => {
      const flow: Flow = { ...FLOWS.pmk, preview: previewOf([...steps, ['updateCluster', false], ['verify', false]]) };
      const script = scriptOf(flow);
      assert.match(script, refreshes ? /^az provider register --namespace Microsoft\.ContainerService --wait$/m : /^# az provider register --namespace Microsoft\.ContainerService --wait$/m);
      const run = runWithFakeAz(script);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(callsOf(run, 'provider register').length, refreshes ? 1 : 0);
    });
  }
});

describe('az script: key names reach az and KEY_ID literally', () => {
  it('a key name with shell characters is neither expanded nor run', () => {
    const keyName = 'k"$(echo expanded)`echo run`\\$HOME';
    const flow: Flow = { ...FLOWS.cmkPrivateNew, config: { ...cmkNewVault('Private'), key: { kind: 'new', name: keyName } } };
    const run = runWithFakeAz(scriptOf(flow));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(optionOf(callsOf(run, 'keyvault key create')[0], '--name'), keyName);
    assert.equal(optionOf(callsOf(run, 'aks update')[0], '--azure-keyvault-kms-key-id'), `https://kvnew01.vault.azure.net/keys/${keyName}`);
  });
});
