// Managed clusters as a provider at a given api-version sees them: only what that api-version's official spec
// defines (../shared/azure-specs, or AZURE_SPECS_DIR; schemas.ts) goes in or comes out.
//
//  - PUT: a property the api-version does not define is ignored, not stored, and it does not change what is stored
//    under that name either (AKS keeps a field set through another api-version). AZURE.md "SDK facts": "a provider
//    silently ignores fields its api-version does not know".
//  - Response: only what the api-version defines. ARM RPC, v1.0/version-change.md (github.com/Azure/
//    azure-resource-manager-rpc): a property added to a response needs a new api-version, so an api-version's
//    responses are exactly its spec (a client at that version would drop, then PUT back without, anything else).
//    A caveat: the data-plane Azure REST API guidelines (microsoft/api-guidelines, azure/Guidelines.md,
//    #rest-fail-for-unknown-fields) ask for 400 on unknown fields; ARM resource providers such as AKS do not.
//
// The spec's schema is walked by `properties` (own, through `$ref` and `allOf`), `items` and `additionalProperties`;
// an object with named properties is closed (an undefined name is dropped), a map (`additionalProperties` only, e.g.
// `tags`, `identity.userAssignedIdentities`, `identityProfile`) keeps every key, a bare `type: object` is "any".
// Only api-versions whose managedClusters.json is saved are projected; for the others the callers keep their
// older rule (drop just the infra encryption profile: apiVersions.ts, clusterMerge.ts, routes/managedClusters.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cloneJson, isJsonObject, type Json, type JsonObject } from './json';
import { specsDir } from './schemas';

/** Where a managedClusters.json of an api-version lives in azure-specs (the repository's layout). */
export function managedClusterSpecPath(apiVersion: string): string {
  const v = apiVersion.toLowerCase();
  const stage = v.endsWith('-preview') ? 'preview' : 'stable';
  return `specification/containerservice/resource-manager/Microsoft.ContainerService/aks/${stage}/${v}/managedClusters.json`;
}

/** What the spec says a JSON value may hold. No `properties` and no `additional`: anything (kept as is). */
interface Shape {
  /** Named properties; set when the schema names any (own or through allOf/$ref): the object is closed. */
  properties?: Map<string, Shape>;
  /** `additionalProperties`: `true` keeps any value, a shape projects each value. */
  additional?: Shape | true;
  items?: Shape;
}

type Schema = Record<string, unknown>;

const ANY: Shape = {};

class SpecShapes {
  private readonly docs = new Map<string, Schema>();
  /** One shape per `file#pointer`, registered before it is filled, so recursive definitions terminate. */
  private readonly byRef = new Map<string, Shape>();

  constructor(private readonly root: string) {}

  shapeOf(definition: string): Shape {
    return this.ref(this.root, `#/definitions/${definition}`);
  }

  private doc(file: string): Schema {
    let d = this.docs.get(file);
    if (!d) {
      d = JSON.parse(readFileSync(file, 'utf8')) as Schema;
      this.docs.set(file, d);
    }
    return d;
  }

  private ref(fromFile: string, ref: string): Shape {
    const hash = ref.indexOf('#');
    const file = hash > 0 ? resolve(dirname(fromFile), ref.slice(0, hash)) : fromFile;
    const pointer = hash >= 0 ? ref.slice(hash + 1) : '';
    const key = `${file}#${pointer}`;
    let shape = this.byRef.get(key);
    if (shape) return shape;
    shape = {};
    this.byRef.set(key, shape);
    let node: unknown = this.doc(file);
    for (const step of pointer.split('/').filter((s) => s !== '')) {
      node = isSchema(node) ? node[step.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
    if (!isSchema(node)) throw new Error(`unresolved $ref ${ref} in ${fromFile}`);
    this.fill(shape, node, file);
    return shape;
  }

  private compile(node: Schema, file: string): Shape {
    if (typeof node.$ref === 'string') return this.ref(file, node.$ref); // siblings of $ref are docs only
    const shape: Shape = {};
    this.fill(shape, node, file);
    return shape;
  }

  private fill(shape: Shape, node: Schema, file: string): void {
    if (typeof node.$ref === 'string') {
      Object.assign(shape, this.ref(file, node.$ref));
      return;
    }
    const properties = new Map<string, Shape>();
    let named = false;
    for (const base of Array.isArray(node.allOf) ? node.allOf : []) {
      if (!isSchema(base)) continue;
      const b = this.compile(base, file);
      if (b.properties) {
        named = true;
        for (const [k, v] of b.properties) properties.set(k, v);
      }
      if (b.additional && !shape.additional) shape.additional = b.additional;
    }
    if (isSchema(node.properties)) {
      for (const [k, v] of Object.entries(node.properties)) {
        if (!isSchema(v)) continue;
        named = true;
        properties.set(k, this.compile(v, file));
      }
    }
    if (named) shape.properties = properties;
    if (node.additionalProperties === true) shape.additional = true;
    else if (isSchema(node.additionalProperties)) shape.additional = this.compile(node.additionalProperties, file);
    if (isSchema(node.items)) shape.items = this.compile(node.items, file);
  }
}

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `ManagedCluster` shape per api-version (null: no saved spec), read once per emulator process. */
const clusterShapes = new Map<string, Shape | null>();

function clusterShape(apiVersion: string): Shape | undefined {
  const v = apiVersion.toLowerCase();
  let shape = clusterShapes.get(v);
  if (shape === undefined) {
    const file = resolve(specsDir(), managedClusterSpecPath(v));
    shape = existsSync(file) ? new SpecShapes(file).shapeOf('ManagedCluster') : null;
    clusterShapes.set(v, shape);
  }
  return shape ?? undefined;
}

/** Whether the official spec of this managed-cluster api-version is saved, so projection follows it. */
export function hasManagedClusterSpec(apiVersion: string): boolean {
  return clusterShape(apiVersion) !== undefined;
}

/**
 * `value` with what `shape` does not define removed. Copies only the objects and arrays on the way to something
 * removed and shares the rest, so a reply built from the store costs no deep copy (it is serialised right away).
 */
function project(value: Json, shape: Shape): Json {
  if (Array.isArray(value)) {
    const items = shape.items;
    if (!items) return value;
    let out: Json[] | undefined;
    value.forEach((v, i) => {
      const p = project(v, items);
      if (p !== v) (out ??= value.slice())[i] = p;
    });
    return out ?? value;
  }
  if (!isJsonObject(value) || (!shape.properties && !shape.additional)) return value;
  let out: JsonObject | undefined;
  for (const [k, v] of Object.entries(value)) {
    const s = shape.properties?.get(k) ?? (shape.additional === true ? ANY : shape.additional);
    if (!s) {
      out ??= { ...value };
      delete out[k];
      continue;
    }
    const p = project(v, s);
    if (p !== v) (out ??= { ...value })[k] = p;
  }
  return out ?? value;
}

/**
 * The stored cluster as a provider at `apiVersion` returns it: only what that api-version's spec defines.
 * Undefined when the spec of `apiVersion` is not saved (the caller keeps its older rule).
 */
export function projectManagedCluster(body: JsonObject, apiVersion: string): JsonObject | undefined {
  const shape = clusterShape(apiVersion);
  return shape ? (project(body, shape) as JsonObject) : undefined;
}

/** Puts back, into `next`, what `stored` holds under names `shape` does not define (a PUT at it cannot touch them). */
function keepUndefined(next: JsonObject, stored: JsonObject, shape: Shape): void {
  // A map (or "any") takes the PUT's keys as they are: a tag left out of a PUT is removed.
  if (!shape.properties || shape.additional) return;
  for (const [k, v] of Object.entries(stored)) {
    const s = shape.properties.get(k);
    if (!s) {
      if (!(k in next)) next[k] = cloneJson(v);
      continue;
    }
    const n = next[k];
    // Arrays (agent pools) are taken from the PUT as they are: their items have no stable identity to merge on.
    if (isJsonObject(n) && isJsonObject(v)) keepUndefined(n, v, s);
  }
}

/**
 * What AKS takes from a PUT body at `apiVersion` (a fresh copy the merge may change): properties the api-version's
 * spec does not define are dropped, and values stored under such names (set through another api-version) are kept.
 * Without a saved spec, the body as it is (clusterMerge.ts applies the older rule).
 */
export function managedClusterPutForApiVersion(put: JsonObject, existing: JsonObject | undefined, apiVersion: string): JsonObject {
  const shape = clusterShape(apiVersion);
  if (!shape) return cloneJson(put);
  const next = cloneJson(project(put, shape) as JsonObject);
  if (existing) keepUndefined(next, existing, shape);
  return next;
}
