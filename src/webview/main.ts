/**
 * The CMK wizard's browser side: a form, then preflight findings, the plan with its az script, a confirmation of
 * what cannot be undone, live progress per step, the verified security profile and any follow-up command (after
 * legacy KMS: rewrite the Secrets). No Node, no vscode API: it only renders what the host sends and posts the user's
 * choices back (src/webview/protocol.ts).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-form-group/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import * as l10n from '@vscode/l10n';
import type { HostToWebview, StepStatusView, WebviewToHost, WizardForm } from './protocol';
import { el, field, radioGroup, select, valueOf } from './dom';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void; getState(): unknown; setState(state: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost) => vscode.postMessage(m);

type Init = Extract<HostToWebview, { type: 'init' }>;
let init: Init | undefined;
let lastForm: WizardForm | undefined;
const root = document.getElementById('app')!;

const STATUS_ICON: Record<StepStatusView, string> = {
  pending: 'circle-large-outline', running: 'loading', done: 'pass-filled', skipped: 'debug-step-over', failed: 'error', cancelled: 'circle-slash',
};

function section(id: string, title: string, ...children: Node[]): HTMLElement {
  return el('section', { id, class: 'page', 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title` }, title), ...children);
}

function renderForm(data: Init): void {
  const d = data.defaults;
  const c = data.cluster;
  const vaultNew = d.vault.kind === 'new' ? d.vault : { name: '', resourceGroup: c.resourceGroup, location: c.location };
  const identityNew = d.identity.kind === 'new' ? d.identity : { name: `id-${c.name}-kms`.slice(0, 128), resourceGroup: c.resourceGroup, location: c.location };
  const form = section('configure', l10n.t('Configure a customer-managed key'),
    el('p', { class: 'cluster' },
      el('vscode-icon', { name: 'server-environment' }),
      el('strong', {}, c.name), ` · ${c.stateLabel} · Kubernetes ${c.kubernetesVersion} · ${c.identityLabel}`),
    radioGroup('networkAccess', l10n.t('Key vault network access'), [
      { value: 'Public', label: l10n.t('Public — the vault accepts connections from all networks') },
      // The new KMS experience reaches a private vault as a trusted service: no API Server VNet Integration needed.
      { value: 'Private', label: l10n.t('Private — firewall on; only trusted Azure services (AKS) reach the key') },
    ], d.networkAccess),
    radioGroup('vaultKind', l10n.t('Key vault'), [{ value: 'new', label: l10n.t('Create a new key vault') }, { value: 'existing', label: l10n.t('Use an existing key vault'), disabled: data.vaults.length === 0 }], d.vault.kind),
    el('div', { class: 'when-vault-new' },
      field('vaultName', l10n.t('Vault name'), vaultNew.name, l10n.t('3–24 letters, digits and hyphens; globally unique')),
      field('vaultResourceGroup', l10n.t('Resource group'), vaultNew.resourceGroup),
      field('vaultLocation', l10n.t('Region'), vaultNew.location)),
    el('div', { class: 'when-vault-existing' }, select('vaultId', l10n.t('Existing vault'), data.vaults, d.vault.kind === 'existing' ? d.vault.id : data.vaults[0]?.id)),
    radioGroup('keyKind', l10n.t('Key'), [{ value: 'new', label: l10n.t('Create a new RSA 2048 key') }, { value: 'existing', label: l10n.t('Use an existing key in the vault') }], d.key.kind),
    field('keyName', l10n.t('Key name'), d.key.name, l10n.t('The cluster uses the versionless key ID, so rotation needs no cluster change.')),
    radioGroup('identityKind', l10n.t('Control-plane identity (gets Key Vault Crypto User and Key Vault Contributor on the vault)'), [
      { value: 'existing', label: l10n.t('Use an existing user-assigned identity'), disabled: data.identities.length === 0 },
      { value: 'new', label: l10n.t('Create a new user-assigned identity') },
    ], d.identity.kind),
    el('div', { class: 'when-identity-existing' }, select('identityId', l10n.t('Identity'), data.identities, d.identity.kind === 'existing' ? d.identity.id : data.identities[0]?.id)),
    el('div', { class: 'when-identity-new' },
      field('identityName', l10n.t('Identity name'), identityNew.name),
      field('identityResourceGroup', l10n.t('Resource group'), identityNew.resourceGroup),
      field('identityLocation', l10n.t('Region'), identityNew.location)),
    el('vscode-checkbox', { id: 'enablePurgeProtection', label: l10n.t('Turn on purge protection if the vault lacks it (recommended; cannot be turned off)'), ...(d.enablePurgeProtection ? { checked: '' } : {}) }),
    el('div', { class: 'actions' }, el('vscode-button', { id: 'check', icon: 'checklist' }, l10n.t('Check and plan'))));
  root.replaceChildren(form);
  const sync = () => {
    form.classList.toggle('vault-new', valueOf('vaultKind') === 'new');
    form.classList.toggle('identity-new', valueOf('identityKind') === 'new');
  };
  form.addEventListener('change', sync);
  sync();
  document.getElementById('check')!.addEventListener('click', () => {
    lastForm = readForm();
    post({ type: 'check', form: lastForm });
  });
}

function readForm(): WizardForm {
  const vault: WizardForm['vault'] = valueOf('vaultKind') === 'existing'
    ? { kind: 'existing', id: valueOf('vaultId') }
    : { kind: 'new', name: valueOf('vaultName').trim(), resourceGroup: valueOf('vaultResourceGroup').trim(), location: valueOf('vaultLocation').trim() };
  const identity: WizardForm['identity'] = valueOf('identityKind') === 'existing'
    ? { kind: 'existing', id: valueOf('identityId') }
    : { kind: 'new', name: valueOf('identityName').trim(), resourceGroup: valueOf('identityResourceGroup').trim(), location: valueOf('identityLocation').trim() };
  return {
    networkAccess: valueOf('networkAccess') === 'Private' ? 'Private' : 'Public',
    vault,
    key: { kind: valueOf('keyKind') === 'existing' ? 'existing' : 'new', name: valueOf('keyName').trim() },
    identity,
    enablePurgeProtection: (document.getElementById('enablePurgeProtection') as HTMLInputElement | null)?.checked ?? false,
  };
}

function renderChecked(m: Extract<HostToWebview, { type: 'checked' }>): void {
  const icon = { error: 'error', warning: 'warning', info: 'info' } as const;
  const findings = section('preflight', l10n.t('Preflight'),
    m.findings.length
      ? el('ul', { class: 'findings' }, ...m.findings.map(f => el('li', { class: `finding ${f.severity}`, 'data-code': f.code }, el('vscode-icon', { name: icon[f.severity] }), el('span', {}, f.message))))
      : el('p', {}, l10n.t('Every rule passed.')));
  const plan = section('plan', l10n.t('Plan'),
    el('ol', { class: 'steps' }, ...m.steps.map(s => el('li', { id: `step-${s.id}`, class: `step ${s.alreadyDone ? 'already' : ''}`, 'data-step': s.id },
      el('vscode-icon', { name: s.alreadyDone ? 'pass' : 'circle-large-outline', class: 'status' }),
      // The host says what a step does (stepTitles.ts); the badge below comes only from the plan's `irreversible`.
      el('span', { class: 'title' }, s.title, ...(s.description ? [el('vscode-form-helper', { class: 'description' }, s.description)] : [])),
      s.alreadyDone ? el('span', { class: 'badge' }, l10n.t('already done')) : '',
      s.irreversible ? el('span', { class: 'badge irreversible' }, l10n.t('cannot be undone')) : '',
      el('span', { class: 'message' })))),
    el('details', {}, el('summary', {}, l10n.t('Equivalent Azure CLI script')), el('pre', { class: 'script' }, el('code', {}, m.script)),
      el('vscode-button', { id: 'copyScript', secondary: '', icon: 'copy' }, l10n.t('Copy script'))),
    // For teams whose clusters live in code: the same plan as Terraform, Bicep or an ARM template (src/kms/iac).
    el('div', { class: 'actions' }, el('vscode-button', { id: 'exportIac', secondary: '', icon: 'file-code' }, l10n.t('Export as Infrastructure as Code…'))));
  const confirm = section('confirm', l10n.t('Confirm'),
    el('p', { class: 'irreversible-text' }, l10n.t('Once the new KMS experience is enabled it cannot be disabled (you can later migrate to platform-managed keys). Deleting the key or the vault makes the cluster\'s Secrets unrecoverable: keep both, with purge protection on.')),
    el('vscode-checkbox', { id: 'understood', label: l10n.t('I understand that this cannot be undone') }),
    el('div', { class: 'actions' },
      el('vscode-button', { id: 'back', secondary: '', icon: 'arrow-left' }, l10n.t('Back')),
      el('vscode-button', { id: 'run', icon: 'play', disabled: '' }, l10n.t('Enable customer-managed key')),
      el('vscode-button', { id: 'cancel', secondary: '', icon: 'stop', class: 'hidden' }, l10n.t('Cancel'))));
  root.replaceChildren(findings, plan, ...(m.blocked ? [el('div', { class: 'actions' }, el('vscode-button', { id: 'back', icon: 'arrow-left' }, l10n.t('Back to the form')))] : [confirm]));
  document.getElementById('back')?.addEventListener('click', () => init && renderForm({ ...init, defaults: lastForm ?? init.defaults }));
  document.getElementById('copyScript')?.addEventListener('click', () => post({ type: 'copyScript' }));
  document.getElementById('exportIac')?.addEventListener('click', () => post({ type: 'exportIac' }));
  const understood = document.getElementById('understood') as HTMLInputElement | null;
  const run = document.getElementById('run');
  understood?.addEventListener('change', () => run?.toggleAttribute('disabled', !understood.checked));
  run?.addEventListener('click', () => {
    if (!lastForm || !understood?.checked) {
      return;
    }
    run.setAttribute('disabled', '');
    understood.setAttribute('disabled', '');
    document.getElementById('back')?.classList.add('hidden');
    document.getElementById('cancel')?.classList.remove('hidden');
    // The steps' progress is what matters now: fold the script away and bring the plan into view.
    root.querySelector('#plan details')?.removeAttribute('open');
    document.getElementById('plan')?.scrollIntoView({ block: 'start' });
    post({ type: 'run', form: lastForm, confirmedIrreversible: true });
  });
  document.getElementById('cancel')?.addEventListener('click', () => post({ type: 'cancel' }));
}

function renderStep(m: Extract<HostToWebview, { type: 'step' }>): void {
  const row = document.getElementById(`step-${m.stepId}`);
  if (!row) {
    return;
  }
  row.dataset.status = m.status;
  row.querySelector('.status')?.setAttribute('name', STATUS_ICON[m.status]);
  row.querySelector('.status')?.toggleAttribute('spin', m.status === 'running');
  if (m.status === 'running') {
    row.scrollIntoView({ block: 'nearest' });
  }
  const note = row.querySelector('.message')!;
  if (m.status === 'done' || m.status === 'skipped') {
    // A finished step's note is its outcome ("kv1 created"), or nothing: never the last progress line it printed.
    note.textContent = m.message ?? '';
  } else if (m.message) {
    note.textContent = m.message;
  }
}

function renderFinished(m: Extract<HostToWebview, { type: 'finished' }>): void {
  document.getElementById('cancel')?.classList.add('hidden');
  const title = m.status === 'succeeded' ? l10n.t('Done: the cluster encrypts Secrets with your key') : m.status === 'cancelled' ? l10n.t('Cancelled') : l10n.t('Stopped');
  const body: Node[] = [];
  if (m.message) {
    body.push(el('p', { class: m.status === 'succeeded' ? '' : 'error-text' }, m.message));
  }
  if (m.status !== 'succeeded') {
    body.push(el('p', {}, l10n.t('Finished steps stay done. Run the wizard again to resume from here.')));
  }
  if (m.followUp) {
    // Styled like the confirmation's warning (wizard.css `.irreversible-text`): something the user must still do.
    body.push(el('div', { id: 'followUp', class: 'follow-up', role: 'note' },
      el('p', { class: 'irreversible-text' }, m.followUp.message),
      el('pre', { class: 'command' }, el('code', {}, m.followUp.command)),
      el('vscode-button', { id: 'copyFollowUp', secondary: '', icon: 'copy' }, l10n.t('Copy command'))));
  }
  if (m.securityProfile) {
    body.push(el('p', {}, l10n.t('az aks show --query securityProfile')), el('pre', { class: 'profile' }, el('code', {}, m.securityProfile)));
  }
  body.push(el('div', { class: 'actions' }, el('vscode-button', { id: 'close', secondary: '' }, l10n.t('Close'))));
  root.append(section('result', title, ...body));
  document.getElementById('close')?.addEventListener('click', () => post({ type: 'close' }));
  document.getElementById('copyFollowUp')?.addEventListener('click', () => post({ type: 'copyFollowUp' }));
  document.getElementById('result')?.scrollIntoView();
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      if (m.l10n) {
        l10n.config({ contents: m.l10n });
      }
      init = m;
      renderForm(m);
      break;
    case 'checking':
      document.getElementById('check')?.setAttribute('disabled', '');
      root.append(el('p', { id: 'checking' }, el('vscode-progress-ring', {}), l10n.t('Reading the cluster, vault, key, identity and permissions…')));
      break;
    case 'checked':
      renderChecked(m);
      break;
    case 'step':
      renderStep(m);
      break;
    case 'finished':
      renderFinished(m);
      break;
    case 'error':
      document.getElementById('checking')?.remove();
      document.getElementById('check')?.removeAttribute('disabled');
      root.append(el('p', { class: 'error-text', role: 'alert' }, m.message));
      break;
  }
});

post({ type: 'ready' });
