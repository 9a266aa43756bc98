// Request parsing and JSON replies shared by the ARM and Key Vault listeners.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from './errors';

export interface ParsedRequest {
  readonly method: string;
  /** Path with `//` collapsed and no trailing slash (except the root); percent-decoding left to routing. */
  readonly path: string;
  /** True when the raw path ended in `/` (Key Vault's "latest version" form `/keys/{n}/`). */
  readonly trailingSlash: boolean;
  /** Path segments, percent-decoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** `https://<Host header>`: the scheme and host the client used, for absolute nextLinks. */
  readonly origin: string;
  /** The raw request target as received. */
  readonly rawUrl: string;
  /** Normalised path (`//` collapsed, trailing slash kept) plus the raw query: what the request log shows. */
  readonly pathAndQuery: string;
}

export function parseRequest(req: IncomingMessage): ParsedRequest {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  // Scope-based SDK calls arrive as `//subscriptions/…`; never let URL parsing read that as a host.
  const collapsed = rawPath.replace(/\/{2,}/g, '/') || '/';
  const trailingSlash = collapsed.length > 1 && collapsed.endsWith('/');
  const path = trailingSlash ? collapsed.slice(0, -1) : collapsed;
  const segments = path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  // URLSearchParams decodes names too, so Key Vault's `api%2Dversion` reads as `api-version`.
  const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
  const host = req.headers.host ?? '127.0.0.1';
  const pathAndQuery = collapsed + (q === -1 ? '' : rawUrl.slice(q));
  return { method: (req.method ?? 'GET').toUpperCase(), path, trailingSlash, segments, query, origin: `https://${host}`, rawUrl, pathAndQuery };
}

/** Query parameter lookup ignoring the name's case (ARM treats `$skipToken` and `$skiptoken` alike). */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of query) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body already serialised (the portal page, or JSON kept as text); `body` is ignored when set. */
  text?: {
    contentType: string;
    content: string | Buffer;
    /** Sent gzip-encoded to a client that accepts it, as the provider does (compressedJson). */
    compressed?: boolean;
  };
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

/** A JSON reply whose body is already serialised: the same bytes `json()` would send, without serialising again. */
export function serializedJson(status: number, content: string | Buffer): Reply {
  return { status, text: { contentType: JSON_CONTENT_TYPE, content } };
}

/**
 * JSON kept as bytes that the provider sends gzip-encoded when the request's Accept-Encoding allows it (the Azure
 * SDKs always send `gzip,deflate`). Recorded from real Azure: AKS answers `GET …/managedClusters` and `GET
 * …/managedClusters/{name}` with `Content-Encoding: gzip` and `Vary: Accept-Encoding` (Azure/azure-sdk-for-js,
 * sdk/containerservice/arm-containerservice/recordings/node/containerservice_test/recording_managedclusters_list_test.js
 * and recording_managedclusters_get_test.js). Keep `content` (the same Buffer for the same reply) so it is
 * compressed once.
 */
export function compressedJson(status: number, content: Buffer): Reply {
  return { status, text: { contentType: JSON_CONTENT_TYPE, content, compressed: true } };
}

/** Whether an Accept-Encoding header admits gzip (RFC 9110 §12.5.3: a listed `gzip` or `*` without q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** Each kept body's gzip encoding, made on first use (level 1, a server's cheap default: nginx's gzip_comp_level). */
const gzipped = new WeakMap<Buffer, Buffer>();

function gzipOf(content: Buffer): Buffer {
  let encoded = gzipped.get(content);
  if (!encoded) gzipped.set(content, (encoded = gzipSync(content, { level: 1 })));
  return encoded;
}

export function errorReply(err: HttpError): Reply {
  return { status: err.status, body: err.body(), headers: err.extras.headers };
}

/** Writes the reply; `acceptEncoding` is the request's Accept-Encoding (compressed replies honour it). */
export function writeReply(res: ServerResponse, reply: Reply, baseHeaders: Record<string, string> = {}, acceptEncoding?: string | string[]): void {
  const headers: Record<string, string> = { ...baseHeaders, ...(reply.headers ?? {}) };
  let payload: string | Buffer = '';
  if (reply.text) {
    headers['content-type'] = reply.text.contentType;
    payload = reply.text.content;
    if (reply.text.compressed) {
      headers.vary = 'Accept-Encoding';
      if (Buffer.isBuffer(payload) && acceptsGzip(acceptEncoding)) {
        headers['content-encoding'] = 'gzip';
        payload = gzipOf(payload);
      }
    }
  } else if (reply.body !== undefined) {
    headers['content-type'] = JSON_CONTENT_TYPE;
    payload = JSON.stringify(reply.body);
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    // rule: emu-request-invalid-content
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; empty → undefined; malformed → 400 with ARM's InvalidRequestContent. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // rule: emu-request-invalid-content
    throw new HttpError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${(e as Error).message}'.`);
  }
}

/** ARM's correlation headers; handy when a test reads the request log. */
export function armHeaders(req: IncomingMessage): Record<string, string> {
  const requestId = randomUUID();
  const correlation = (req.headers['x-ms-correlation-request-id'] as string | undefined) ?? randomUUID();
  const clientRequestId = req.headers['x-ms-client-request-id'] as string | undefined;
  return {
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': correlation,
    ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
    'cache-control': 'no-cache',
  };
}

export function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

/** Starts listening; resolves with the bound port (useful with port 0). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
