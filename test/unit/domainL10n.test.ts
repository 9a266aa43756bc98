/**
 * The pure core (src/kms, src/azure/cloud.ts) localises through @vscode/l10n, which activate() configures with the
 * extension's bundle. Given the zh-cn bundle, its findings, warnings and problems come out in Chinese; without a
 * bundle (English, and every other unit test) they stay English.
 */
import * as l10n from '@vscode/l10n';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveCloud } from '../../src/azure/cloud';
import { validateConfig } from '../../src/kms/enable/preflight';
import { configureDomainL10n } from '../../src/kms/l10nConfig';
import { assessKeyHealth } from '../../src/kms/keyHealth';
import { parseKeyId } from '../../src/kms/keyId';
import { vaultNameProblem } from '../../src/kms/names';
import { describeRotationPolicy, validateRotationPolicyInput } from '../../src/kms/rotationPolicy';

const root = path.resolve(__dirname, '../..');
const zhCn = JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
const DAY = 86_400_000;
const now = new Date('2026-11-28T12:00:00Z');

describe('domain messages follow the configured l10n bundle', () => {
  before(() => l10n.config({ contents: zhCn }));
  after(() => l10n.config({ contents: {} }));

  it('name rules', () => {
    assert.equal(vaultNameProblem('ab'), '密钥保管库名称“ab”的长度必须为 3–24 个字符（当前为 2 个）。');
  });

  it('preflight findings', () => {
    const [finding] = validateConfig({ kind: 'pmk', clusterId: '/subscriptions/x' });
    assert.equal(finding.code, 'cluster-id');
    assert.equal(finding.message, '“/subscriptions/x”不是 AKS 群集资源 ID。');
  });

  it('key ID parse reasons', () => {
    const r = parseKeyId('http://kv.vault.azure.net/keys/k');
    assert.ok(!r.ok && r.reason === '密钥 ID 必须以 https:// 开头。', JSON.stringify(r));
  });

  it('key health warnings, ages and policy text', () => {
    const h = assessKeyHealth({ keyName: 'aks-kms', versions: [{ version: 'abcdef0123456789', createdOn: new Date(now.getTime() - 95 * DAY) }], vault: { name: 'kv1', enablePurgeProtection: true }, now });
    assert.deepEqual(h.warnings.map(w => w.message), ['密钥 aks-kms：当前版本 abcdef01 的存在时间为 95 天，超过了 90 天的上限。请立即轮换，或设置在 90 天内轮换的轮换策略。']);
    assert.equal(h.summary.policyText, '无轮换策略');
    assert.equal(describeRotationPolicy({ rotateAfterCreate: 'P90D', expiresAfter: 'P1Y' }), '创建后 90 天 轮换, 1 年 后过期');
  });

  it('rotation policy problems', () => {
    const r = validateRotationPolicyInput({ rotateAfter: '3' });
    assert.ok(!r.ok && r.problems[0].message === '“创建后轮换”为 3 天；Key Vault 要求至少 7 天。请输入 7 或更大的值。', JSON.stringify(r));
  });

  it('cloud settings problems', () => {
    const r = resolveCloud('custom', undefined);
    assert.deepEqual(!r.ok && r.problems, ['microsoft-sovereign-cloud.environment 为 "custom"，但未设置 microsoft-sovereign-cloud.customEnvironment。']);
  });
});

describe('without a bundle the domain speaks English', () => {
  it('name rules and policy text', () => {
    assert.equal(vaultNameProblem('ab'), 'Key vault name "ab" must be 3–24 characters long (it has 2).');
    assert.equal(describeRotationPolicy(undefined), 'no rotation policy');
  });
});

describe('configureDomainL10n (what activate() calls with vscode.l10n.bundle)', () => {
  after(() => l10n.config({ contents: {} }));

  it('given a bundle, the domain speaks its language', () => {
    configureDomainL10n(zhCn);
    assert.equal(vaultNameProblem('ab'), '密钥保管库名称“ab”的长度必须为 3–24 个字符（当前为 2 个）。');
  });

  it('given no bundle (English) it configures nothing, so a bundle given before stays in force', () => {
    configureDomainL10n(zhCn);
    configureDomainL10n(undefined);
    assert.equal(vaultNameProblem('ab'), '密钥保管库名称“ab”的长度必须为 3–24 个字符（当前为 2 个）。');
  });
});
