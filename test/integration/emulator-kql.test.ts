/** The emulator's KQL subset (test/emulator/kql.ts), in-process: what Resource Graph queries the product may send. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileQuery, KqlError, type Row } from '../emulator/kql';

const ROWS: Row[] = [
  { id: '/a', name: 'b-cluster', type: 'microsoft.containerservice/managedclusters', properties: { securityProfile: { azureKeyVaultKms: { keyId: 'https://v/keys/k' } } }, tags: { env: 'prod' } },
  { id: '/b', name: 'a-cluster', type: 'microsoft.containerservice/managedclusters', properties: { securityProfile: {} }, tags: {} },
  { id: '/c', name: 'vault', type: 'microsoft.keyvault/vaults', properties: { vaultUri: 'https://v/' }, tags: {} },
];
const COLUMNS = ['id', 'name', 'type', 'properties', 'tags'];

const run = (q: string) => compileQuery(q).run(ROWS, COLUMNS);

describe('KQL subset', () => {
  it('filters with =~ regardless of case and whitespace', () => {
    const r = run("Resources\n|   WHERE type =~ 'Microsoft.ContainerService/managedClusters'");
    assert.deepEqual(r.rows.map((x) => x.name), ['b-cluster', 'a-cluster']);
    assert.deepEqual(r.columns, COLUMNS);
  });

  it('projects plain columns, aliases and unaliased paths (Kusto names them a_b_c)', () => {
    const r = run("resources | where type =~ 'microsoft.containerservice/managedclusters' | project name, keyId = properties.securityProfile.azureKeyVaultKms.keyId, tags['env']");
    assert.deepEqual(r.columns, ['name', 'keyId', 'tags_env']);
    assert.deepEqual(r.rows, [
      { name: 'b-cluster', keyId: 'https://v/keys/k', tags_env: 'prod' },
      { name: 'a-cluster', keyId: null, tags_env: null },
    ]);
  });

  it('orders asc, desc, and descending by default like Kusto', () => {
    assert.deepEqual(run('resources | order by name asc').rows.map((x) => x.name), ['a-cluster', 'b-cluster', 'vault']);
    assert.deepEqual(run('resources | sort by name').rows.map((x) => x.name), ['vault', 'b-cluster', 'a-cluster']);
  });

  it('supports and/or, in~, !=, contains, isnotnull, extend and limit', () => {
    assert.deepEqual(run("resources | where name in~ ('A-CLUSTER', 'vault') and type != 'x' | project name").rows, [{ name: 'a-cluster' }, { name: 'vault' }]);
    assert.deepEqual(run("resources | where name contains 'CLUSTER' or name == 'vault' | limit 2 | project id").rows, [{ id: '/a' }, { id: '/b' }]);
    assert.deepEqual(run('resources | where isnotnull(properties.securityProfile.azureKeyVaultKms) | project name').rows, [{ name: 'b-cluster' }]);
    const ext = run("resources | extend uri = properties.vaultUri | where name == 'vault'");
    assert.equal(ext.rows[0].uri, 'https://v/');
    assert.deepEqual(ext.columns, [...COLUMNS, 'uri']);
  });

  it('rejects operators outside the subset and malformed queries with a clear error', () => {
    assert.throws(() => compileQuery('resources | summarize count() by type'), (e: unknown) => e instanceof KqlError && e.code === 'UnsupportedOperator');
    assert.throws(() => compileQuery('resources | where'), (e: unknown) => e instanceof KqlError && e.code === 'ParserFailure');
    assert.throws(() => compileQuery("resources | where name == 'x"), (e: unknown) => e instanceof KqlError && /Unterminated/.test(e.message));
  });
});
