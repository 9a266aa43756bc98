import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identityNameProblem, keyNameProblem, resourceGroupNameProblem, vaultNameProblem } from '../../src/kms/names';

describe('resource names', () => {
  const cases: [string, (n: string) => string | undefined, string, RegExp | undefined][] = [
    ['vault ok', vaultNameProblem, 'kv-prod-01', undefined],
    ['vault too short', vaultNameProblem, 'kv', /3–24/],
    ['vault too long', vaultNameProblem, 'a'.repeat(25), /3–24/],
    ['vault bad char', vaultNameProblem, 'kv_prod', /letters, digits and hyphens/],
    ['vault starts with digit', vaultNameProblem, '1kvprod', /start with a letter/],
    ['vault ends with hyphen', vaultNameProblem, 'kvprod-', /end with a letter or digit/],
    ['vault double hyphen', vaultNameProblem, 'kv--prod', /two hyphens/],
    ['key ok', keyNameProblem, 'aks-kms-1', undefined],
    ['key empty', keyNameProblem, '', /1–127/],
    ['key too long', keyNameProblem, 'k'.repeat(128), /1–127/],
    ['key underscore', keyNameProblem, 'aks_kms', /letters, digits and hyphens/],
    ['identity ok', identityNameProblem, 'id_aks-kms', undefined],
    ['identity short', identityNameProblem, 'id', /3–128/],
    ['identity starts with hyphen', identityNameProblem, '-idaks', /start with a letter or digit/],
    ['identity space', identityNameProblem, 'id aks', /start with a letter or digit and contain/],
    ['rg ok', resourceGroupNameProblem, 'rg-prod.(eu)_1', undefined],
    ['rg trailing period', resourceGroupNameProblem, 'rg.', /must not end with a period/],
    ['rg too long', resourceGroupNameProblem, 'r'.repeat(91), /1–90/],
  ];
  for (const [name, check, input, expected] of cases) {
    it(name, () => {
      const problem = check(input);
      if (expected) {
        assert.match(problem ?? '', expected);
      } else {
        assert.equal(problem, undefined);
      }
    });
  }
});
