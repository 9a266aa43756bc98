// JSON value types for resources kept as raw JSON (managed clusters are read and written raw, like the
// product does, so unknown fields survive a GET → modify → PUT round trip).
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function cloneJson<T extends Json>(value: T): T {
  return structuredClone(value);
}

/** Reads `obj.a.b.c`; undefined when any step is missing or not an object. */
export function getPath(obj: Json | undefined, path: readonly string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const step of path) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** Deletes `obj.a.b.c` in place when present. */
export function deletePath(obj: JsonObject, path: readonly string[]): void {
  const parent = getPath(obj, path.slice(0, -1));
  if (isJsonObject(parent)) delete parent[path[path.length - 1]];
}
