/**
 * The attributes and nested blocks the pinned AzureRM provider accepts, read from @cdktf/provider-azurerm (its
 * package.json names the provider version it was generated from): each resource's generated `synthesizeAttributes`
 * lists its Terraform names, and each nested block's `…ToTerraform` function lists the block's.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_DIR = dirname(require.resolve('@cdktf/provider-azurerm/package.json'));

/** `registry.terraform.io/hashicorp/azurerm` and its version, as the generated package records them. */
export const AZURERM_PROVIDER: { name: string; version: string } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).cdktf.provider;

export interface BlockSchema {
  readonly attributes: ReadonlySet<string>;
  /** Nested block name → its schema. */
  readonly blocks: ReadonlyMap<string, BlockSchema>;
}

/** The keys of the object literal a function returns, each with the mapper function it names (if any). */
function returnedKeys(source: string, startIndex: number): Map<string, string | undefined> {
  const open = source.indexOf('return {', startIndex);
  const close = source.indexOf('\n        };', open) >= 0 && source.indexOf('\n        };', open) < source.indexOf('\n    }', open)
    ? source.indexOf('\n        };', open)
    : source.indexOf('\n    };', open);
  const body = source.slice(open, close);
  const keys = new Map<string, string | undefined>();
  for (const m of body.matchAll(/^\s+([a-z_0-9]+): (.*)$/gm)) {
    const mapper = /(?:listMapper\()?([A-Za-z0-9]+ToTerraform)\b/.exec(m[2])?.[1];
    keys.set(m[1], mapper && !/^(string|number|boolean|hash)ToTerraform$/.test(mapper) ? mapper : undefined);
  }
  return keys;
}

function schemaFrom(source: string, keys: Map<string, string | undefined>, depth = 0): BlockSchema {
  const attributes = new Set<string>();
  const blocks = new Map<string, BlockSchema>();
  for (const [key, mapper] of keys) {
    if (mapper && depth < 4) {
      const at = source.indexOf(`function ${mapper}(struct)`);
      if (at >= 0) {
        blocks.set(key, schemaFrom(source, returnedKeys(source, at), depth + 1));
        continue;
      }
    }
    attributes.add(key);
  }
  return { attributes, blocks };
}

const cache = new Map<string, BlockSchema>();

/** `azurerm_key_vault` → lib/key-vault; `data.azurerm_client_config` → lib/data-azurerm-client-config. */
export function azurermSchema(type: string, kind: 'resource' | 'data' = 'resource'): BlockSchema {
  const dir = kind === 'data' ? `data-${type.replace(/_/g, '-')}` : type.replace(/^azurerm_/, '').replace(/_/g, '-');
  let schema = cache.get(dir);
  if (!schema) {
    const source = readFileSync(join(PACKAGE_DIR, 'lib', dir, 'index.js'), 'utf8');
    const at = source.indexOf('synthesizeAttributes() {');
    if (at < 0) throw new Error(`no synthesizeAttributes in lib/${dir}`);
    schema = schemaFrom(source, returnedKeys(source, at));
    cache.set(dir, schema);
  }
  return schema;
}

/** Terraform's meta-arguments, valid in every resource and data block (not part of a provider's schema). */
export const META_ARGUMENTS = new Set(['depends_on', 'count', 'for_each', 'provider', 'lifecycle']);

/**
 * Problems with a block as hcl2json gives it (attributes as values, nested blocks as arrays of objects): every name
 * must be in the schema.
 */
export function schemaProblems(path: string, body: Record<string, unknown>, schema: BlockSchema, meta = true): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (meta && META_ARGUMENTS.has(name)) continue;
    const nested = schema.blocks.get(name);
    if (nested) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) problems.push(...schemaProblems(`${path}.${name}`, item as Record<string, unknown>, nested, false));
    } else if (!schema.attributes.has(name)) {
      problems.push(`${path}: "${name}" is not an attribute or block of the ${AZURERM_PROVIDER.version} schema`);
    }
  }
  return problems;
}
