/**
 * Before any write the extension checks that the caller may create role assignments: the ARM `permissions` API's
 * actions/notActions (with `*` wildcards, compared case-insensitively) against Microsoft.Authorization/roleAssignments/write.
 * The role definitions below are Azure's built-in ones (actions and notActions as Azure publishes them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermissionSet, permits, ROLE_ASSIGNMENT_WRITE } from '../../src/kms/permissions';

const OWNER: PermissionSet = { actions: ['*'], notActions: [] };
const CONTRIBUTOR: PermissionSet = {
  actions: ['*'],
  notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action', 'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete', 'Microsoft.Compute/galleries/share/action'],
};
const READER: PermissionSet = { actions: ['*/read'], notActions: [] };
const USER_ACCESS_ADMINISTRATOR: PermissionSet = { actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [] };
const RBAC_ADMINISTRATOR: PermissionSet = { actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'], notActions: [] };

describe('may the caller create role assignments (ROLE_ASSIGNMENT_WRITE)', () => {
  it('is the ARM action for creating a role assignment', () => {
    assert.equal(ROLE_ASSIGNMENT_WRITE, 'Microsoft.Authorization/roleAssignments/write');
  });

  const roles: [string, PermissionSet[], boolean][] = [
    ['Owner may', [OWNER], true],
    ['User Access Administrator may (Microsoft.Authorization/*)', [USER_ACCESS_ADMINISTRATOR], true],
    ['Role Based Access Control Administrator may (the action itself)', [RBAC_ADMINISTRATOR], true],
    ['Contributor may not (its notActions exclude Microsoft.Authorization/*/Write)', [CONTRIBUTOR], false],
    ['Reader may not', [READER], false],
    ['no role assignment at all: may not', [], false],
    ['Contributor and Reader together may not', [CONTRIBUTOR, READER], false],
    ['Contributor plus User Access Administrator may (another role grants what Contributor excludes)', [CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR], true],
    ['User Access Administrator listed after Reader may', [READER, USER_ACCESS_ADMINISTRATOR], true],
  ];
  for (const [name, sets, expected] of roles) {
    it(name, () => assert.equal(permits(sets, ROLE_ASSIGNMENT_WRITE), expected));
  }
});

describe('permits: action patterns', () => {
  const action = 'Microsoft.Authorization/roleAssignments/write';
  const patterns: [string, string, boolean][] = [
    ['the exact action matches', action, true],
    ['the action in another letter case matches (ARM actions are case-insensitive)', 'microsoft.authorization/ROLEASSIGNMENTS/Write', true],
    ['* matches every action', '*', true],
    ['a trailing * matches the rest', 'Microsoft.Authorization/*', true],
    ['* inside a pattern matches one or more segments', 'Microsoft.Authorization/*/write', true],
    ['* can match part of a segment', 'Microsoft.Authorization/role*/write', true],
    ['several * in a pattern', '*/roleAssignments/*', true],
    ['another action does not match', 'Microsoft.Authorization/roleAssignments/read', false],
    ['another provider does not match', 'Microsoft.KeyVault/*', false],
    ['a pattern matches the whole action, not a prefix of it', 'Microsoft.Authorization/roleAssignments', false],
    ['a pattern matches the whole action, not a suffix of it', 'roleAssignments/write', false],
    ['*/read does not match a write', '*/read', false],
  ];
  for (const [name, pattern, expected] of patterns) {
    it(name, () => assert.equal(permits([{ actions: [pattern] }], action), expected));
  }

  it('a dot in a pattern does not match another character', () => {
    assert.equal(permits([{ actions: ['Microsoft.Authorization/*'] }], 'MicrosoftXAuthorization/roleAssignments/write'), false);
  });

  it('regular-expression characters in a pattern are taken literally', () => {
    assert.equal(permits([{ actions: ['Microsoft.Custom/(a|b)+/write'] }], 'Microsoft.Custom/(a|b)+/write'), true);
    assert.equal(permits([{ actions: ['Microsoft.Custom/(a|b)+/write'] }], 'Microsoft.Custom/a/write'), false);
    assert.equal(permits([{ actions: ['Microsoft.Custom/x?/write'] }], 'Microsoft.Custom/x?/write'), true);
    assert.equal(permits([{ actions: ['Microsoft.Custom/x?/write'] }], 'Microsoft.Custom//write'), false);
    assert.equal(permits([{ actions: ['Microsoft.Custom/[ab]{2}$^\\/write'] }], 'Microsoft.Custom/[ab]{2}$^\\/write'), true);
  });

  it('a set without actions allows nothing; a set without notActions excludes nothing', () => {
    assert.equal(permits([{ notActions: [] }], action), false);
    assert.equal(permits([{}], action), false);
    assert.equal(permits([{ actions: ['*'] }], action), true);
  });

  it('a notAction excludes the action when any one of several matches', () => {
    assert.equal(permits([{ actions: ['*'], notActions: ['Microsoft.KeyVault/*', 'Microsoft.Authorization/roleAssignments/*'] }], action), false);
    assert.equal(permits([{ actions: ['*'], notActions: ['Microsoft.KeyVault/*', 'Microsoft.Network/*'] }], action), true);
  });

  it('one matching action of several is enough', () => {
    assert.equal(permits([{ actions: ['*/read', 'Microsoft.KeyVault/*', 'Microsoft.Authorization/roleAssignments/write'] }], action), true);
  });

  it('a notAction in one set does not exclude what another set allows, but does exclude within its own set', () => {
    assert.equal(permits([{ actions: ['*'], notActions: [action] }, { actions: [action] }], action), true);
    assert.equal(permits([{ actions: [action], notActions: ['Microsoft.Authorization/*'] }], action), false);
  });
});
