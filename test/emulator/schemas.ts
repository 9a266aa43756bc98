// Validates emulator responses against the official OpenAPI (Swagger 2.0) files in ../shared/azure-specs
// (or AZURE_SPECS_DIR). The files are read where they are, never copied into this repository.
//
// Swagger 2.0 schemas are turned into JSON Schema 2019-09 for ajv:
//  - `definitions` of every file reachable by `$ref` are registered under the file's URL, so relative
//    external refs (`../../common-types/…/types.json#/definitions/X`) resolve as written;
//  - `x-ms-*`, `discriminator`, `example` are dropped; `x-nullable: true` allows null;
//  - `type: object` with no properties is "any" (AutoRest's reading: Resource Graph's `data` is an array);
//  - closed objects: an object schema with properties and no `additionalProperties` rejects properties
//    the spec does not define (`unevaluatedProperties: false`), so an invented or misspelled field fails.
//    Bases used through `allOf` get an open copy (under `$defs`) so composition still works.
// Known mistakes of the spec files are patched in SPEC_OVERRIDES, each with the reason.
import Ajv2019 from 'ajv/dist/2019';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SPECS_DIR_ENV = 'AZURE_SPECS_DIR';

/** The spec files the emulator's responses are checked against, relative to the specs dir. */
export const SPEC_FILES = {
  subscriptions: 'specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/subscriptions.json',
  managedClusters: 'specification/containerservice/resource-manager/Microsoft.ContainerService/aks/preview/2026-10-02-preview/managedClusters.json',
  /** The product's default managed-clusters api-version (the exported ARM templates' cluster resource). */
  managedClustersStable: 'specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2026-10-01/managedClusters.json',
  resourceGraph: 'specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/resourcegraph.json',
  keyVault: 'specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keyvault.json',
  keyVaultCommon: 'specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/common.json',
  /** Management-plane keys (Key, KeyListResult). */
  keyVaultKeys: 'specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keys.json',
  /** Data-plane keys (KeyBundle, KeyListResult, KeyVaultError). */
  keyVaultData: 'specification/keyvault/data-plane/Keys/stable/2026-04-01/keys.json',
  armCommonV6: 'specification/common-types/resource-management/v6/types.json',
  armCommonV1: 'specification/common-types/resource-management/v1/types.json',
  /** Microsoft.Authorization and ManagedIdentity errors. */
  armCommonV2: 'specification/common-types/resource-management/v2/types.json',
  armCommonV4: 'specification/common-types/resource-management/v4/types.json',
  /** FeatureResult, FeatureOperationsListResult, ErrorResponse. */
  features: 'specification/resources/resource-manager/Microsoft.Features/stable/2021-07-01/features.json',
  /** Provider, CloudError. */
  resources: 'specification/resources/resource-manager/Microsoft.Resources/stable/2025-04-01/resources.json',
  /** RoleAssignment, RoleAssignmentListResult. */
  roleAssignments: 'specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json',
  /** RoleDefinition, RoleDefinitionListResult, PermissionGetResult. */
  roleDefinitions: 'specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json',
  /** Identity, IdentityListResult. */
  managedIdentity: 'specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2024-11-30/ManagedIdentity.json',
} as const;

export type SpecFile = keyof typeof SPEC_FILES;

/** `AZURE_SPECS_DIR`, else `<repo>/../shared/azure-specs`. */
export function specsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[SPECS_DIR_ENV] ?? resolve(__dirname, '..', '..', '..', 'shared', 'azure-specs'));
}

type Schema = Record<string, unknown>;

interface SpecOverride {
  readonly file: SpecFile;
  readonly definition: string;
  readonly why: string;
  apply(schema: Schema): void;
}

/** Corrections of known spec mistakes, applied to the loaded copy only. */
export const SPEC_OVERRIDES: readonly SpecOverride[] = [
  {
    file: 'subscriptions',
    definition: 'SubscriptionListResult',
    why:
      "subscriptions.json marks nextLink required, but the service omits it on the last page (a string there would make every pager loop) and the SDK's deserializer treats it as optional.",
    apply: (s) => {
      s.required = (s.required as string[]).filter((r) => r !== 'nextLink');
    },
  },
  {
    file: 'managedIdentity',
    definition: 'Resource',
    why:
      "ManagedIdentity.json refs v4/types.json#/definitions/systemData, but the v4 types.json defines 'SystemData' (azure-specs/INDEX.md); the pointer is fixed so the file loads.",
    apply: (s) => {
      const sd = (s.properties as Record<string, Schema> | undefined)?.systemData;
      if (sd && typeof sd.$ref === 'string') sd.$ref = sd.$ref.replace('#/definitions/systemData', '#/definitions/SystemData');
    },
  },
];

const OPEN = '$defs';
const CLOSED = 'definitions';
const DROPPED = new Set(['discriminator', 'example', 'externalDocs', 'xml', 'x-nullable']);

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `#/definitions/X` → `#/<bucket>/X`, keeping any file part for URL resolution. */
function rewriteRef(ref: string, bucket: string): string {
  return ref.replace(/#\/definitions\//, `#/${bucket}/`);
}

/** Converts one Swagger schema node; `asBase`: the node is an allOf member (left open). */
function convert(node: Schema, closed: boolean, asBase: boolean): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-') && k !== 'x-nullable') continue;
    if (DROPPED.has(k)) continue;
    switch (k) {
      case '$ref':
        out.$ref = rewriteRef(String(v), asBase ? OPEN : CLOSED);
        break;
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, convert(s as Schema, closed, false)]));
        break;
      case 'additionalProperties':
        out.additionalProperties = isObject(v) ? convert(v, closed, false) : v;
        break;
      case 'items':
        out.items = isObject(v) ? convert(v, closed, false) : v;
        break;
      case 'allOf':
        out.allOf = (v as Schema[]).map((s) => convert(s, closed, true));
        break;
      default:
        out[k] = v;
    }
  }
  const hasShape = 'properties' in out || 'allOf' in out || 'additionalProperties' in out;
  if (out.type === 'object' && !hasShape) delete out.type; // AutoRest: a bare object is "any".
  if (node['x-nullable'] === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (closed && !asBase && ('properties' in out || 'allOf' in out) && !('additionalProperties' in out)) out.unevaluatedProperties = false;
  return out;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly errors: string[];
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  const extra = e.keyword === 'unevaluatedProperties' ? ` '${String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty)}'` : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

export interface SpecValidatorOptions {
  /** Reject properties the spec does not define (default true). */
  readonly closed?: boolean;
}

export class SpecValidator {
  private readonly ajv: Ajv2019;
  private readonly loaded = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly closed: boolean;

  constructor(
    readonly dir: string = specsDir(),
    opts: SpecValidatorOptions = {},
  ) {
    this.closed = opts.closed ?? true;
    // strict: false lets unknown Swagger keywords through; unicodeRegExp: false because Swagger
    // patterns are ECMA-262 without the `u` flag (escapes like `\_` are invalid with it).
    this.ajv = new Ajv2019({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('arm-id', /^\/(subscriptions|providers|tenants)\/.+/i);
    this.ajv.addFormat('base64url', /^[A-Za-z0-9_-]*$/);
    this.ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  }

  /** Whether the spec file exists in the specs dir. */
  has(file: SpecFile): boolean {
    return existsSync(resolve(this.dir, SPEC_FILES[file]));
  }

  validate(file: SpecFile, definition: string, body: unknown): ValidationResult {
    const validateFn = this.validator(file, definition);
    const ok = validateFn(body) as boolean;
    return { ok, errors: ok ? [] : (validateFn.errors ?? []).map(describe) };
  }

  private validator(file: SpecFile, definition: string): ValidateFunction {
    const key = `${file}#${definition}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const abs = resolve(this.dir, SPEC_FILES[file]);
      this.load(abs);
      const found = this.ajv.getSchema(`${pathToFileURL(abs).href}#/${CLOSED}/${definition}`);
      if (!found) throw new Error(`schema ${definition} not found in ${SPEC_FILES[file]}`);
      fn = found;
      this.compiled.set(key, fn);
    }
    return fn;
  }

  private load(absPath: string): void {
    if (this.loaded.has(absPath)) return;
    this.loaded.add(absPath);
    const doc = JSON.parse(readFileSync(absPath, 'utf8')) as Schema;
    const definitions = (doc.definitions ?? {}) as Record<string, Schema>;
    for (const o of SPEC_OVERRIDES) {
      if (resolve(this.dir, SPEC_FILES[o.file]) === absPath && definitions[o.definition]) o.apply(definitions[o.definition]);
    }
    const closedDefs = Object.fromEntries(Object.entries(definitions).map(([n, s]) => [n, convert(s, this.closed, false)]));
    const openDefs = Object.fromEntries(Object.entries(definitions).map(([n, s]) => [n, convert(s, this.closed, true)]));
    this.ajv.addSchema({ $id: pathToFileURL(absPath).href, [CLOSED]: closedDefs, [OPEN]: openDefs });
    // Load every file the definitions point at, so external refs resolve.
    for (const ref of JSON.stringify(definitions).match(/"\$ref":"[^"#]+#[^"]*"/g) ?? []) {
      const filePart = ref.slice(8, ref.indexOf('#'));
      this.load(resolve(dirname(absPath), filePart));
    }
  }
}
