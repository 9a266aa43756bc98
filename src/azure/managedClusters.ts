/**
 * Managed clusters as raw JSON at a preview api-version. No published `@azure/arm-containerservice` models
 * `kubernetesResourceObjectEncryptionProfile`, and its serializers drop unknown fields, so a typed GET → PUT would
 * silently strip platform-key settings (AZURE.md, "SDK facts"). Raw JSON keeps every field.
 */
import type { Client, HttpNodeStreamResponse } from '@azure-rest/core-client';
import type { ManagedClusterJson } from '../kms/managedCluster';
import { abortableSleep } from '../kms/plan/retry';
import { AzureContext, rawArmClient } from './azureContext';
import { encryptionOfPage, encryptionOfWholePage, ListedEncryption } from './clusterListPage';
import { decodedBody, encodedBodyHttpClient } from './encodedBodyHttpClient';
import { AzureRequestError } from './errors';

export const DEFAULT_MANAGED_CLUSTERS_API_VERSION = '2026-10-01';

/** ARM's documented fallback when an async operation gives no Retry-After. */
const DEFAULT_POLL_MS = 2000;
/** A cluster update takes minutes; give up on polling (not on the operation) after an hour. */
const MAX_LRO_MS = 60 * 60_000;

export interface LroOptions {
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function retryAfterMs(headers: Record<string, string | undefined>): number {
  const value = headers['retry-after'];
  const seconds = value !== undefined ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_POLL_MS;
}

/** The body's bytes. A stream closed before its end (an abort) rejects. */
function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => reject(new Error('The response ended before its body was complete.')));
  });
}

/** An error reply's JSON, when it has any: a body that does not decode or parse must not hide the status. */
function errorBodyOf(encoded: Buffer, contentEncoding: string | undefined): unknown {
  try {
    return JSON.parse(decodedBody(encoded, contentEncoding).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export class ManagedClustersAdapter {
  private readonly client: Client;
  /** For lists, made on the first: their compressed bodies are decoded a page at a time (encodedBodyHttpClient.ts). */
  private listClient: Client | undefined;

  constructor(private readonly ctx: AzureContext, private readonly apiVersion: string = DEFAULT_MANAGED_CLUSTERS_API_VERSION, private readonly lro: LroOptions = {}) {
    this.client = rawArmClient(ctx);
  }

  async get(clusterId: string, signal?: AbortSignal): Promise<ManagedClusterJson> {
    const response = await this.client.pathUnchecked(clusterId).get({ queryParameters: { 'api-version': this.apiVersion }, abortSignal: signal });
    if (response.status !== '200') {
      throw AzureRequestError.fromResponse(response.status, response.body, `GET ${clusterId}`);
    }
    return response.body as ManagedClusterJson;
  }

  /**
   * The encryption settings (`securityProfile` KMS members) of the `onlyIds` clusters (lower case) of a subscription,
   * from its cluster list at the adapter's api-version, following nextLink: one round trip per ARM page where a GET
   * per cluster would be one per cluster (fleetService confirms with it). Only those members are parsed where the
   * page allows (clusterListPage.ts).
   */
  async listEncryption(subscriptionId: string, onlyIds: ReadonlySet<string>, signal?: AbortSignal): Promise<ListedEncryption[]> {
    const client = (this.listClient ??= rawArmClient(this.ctx, encodedBodyHttpClient));
    const items: ListedEncryption[] = [];
    let next: string | undefined = `/subscriptions/${subscriptionId}/providers/Microsoft.ContainerService/managedClusters`;
    // ARM's nextLink is absolute and carries the api-version.
    let query: Record<string, string> | undefined = { 'api-version': this.apiVersion };
    while (next) {
      // The body's bytes: the encryption settings are found in them without parsing the whole page.
      const response: HttpNodeStreamResponse = await client.pathUnchecked(next).get({ queryParameters: query, abortSignal: signal }).asNodeStream();
      const encoded: Buffer = response.body ? await bytesOf(response.body) : Buffer.alloc(0);
      const contentEncoding = (response.headers as Record<string, string | undefined>)['content-encoding'];
      if (response.status !== '200') {
        throw AzureRequestError.fromResponse(response.status, errorBodyOf(encoded, contentEncoding), `listing the clusters of subscription ${subscriptionId}`);
      }
      const bytes = decodedBody(encoded, contentEncoding);
      const page = encryptionOfPage(bytes, onlyIds) ?? encryptionOfWholePage(bytes, onlyIds);
      items.push(...page.value);
      next = page.nextLink;
      query = undefined;
    }
    return items;
  }

  /**
   * PUTs the whole cluster and follows the async operation (`Azure-AsyncOperation`, honouring `Retry-After`) to its
   * end; returns the cluster as a GET then shows it.
   *
   * When the body carries the eTag of the GET it was built from (managedClusters.json: `ManagedCluster.eTag`,
   * read-only), the PUT sends it as `If-Match` (the operation's `if-match` header), so AKS refuses to overwrite a
   * cluster someone changed since that GET: 412 `PreconditionFailed` (learn.microsoft.com/azure/aks/use-etags).
   */
  async put(clusterId: string, body: ManagedClusterJson, onProgress: (message: string) => void, signal?: AbortSignal): Promise<ManagedClusterJson> {
    const eTag = typeof body.eTag === 'string' && body.eTag !== '' ? body.eTag : undefined;
    const response = await this.client.pathUnchecked(clusterId).put({
      queryParameters: { 'api-version': this.apiVersion },
      body,
      headers: eTag ? { 'If-Match': eTag } : undefined,
      abortSignal: signal,
    });
    if (response.status === '412') {
      // Always recognisable as a lost race, whatever code (if any) the error body names.
      const error = AzureRequestError.fromResponse(response.status, response.body, `PUT ${clusterId}`);
      throw new AzureRequestError(error.message, error.code ?? 'PreconditionFailed', 412);
    }
    if (response.status !== '200' && response.status !== '201') {
      throw AzureRequestError.fromResponse(response.status, response.body, `PUT ${clusterId}`);
    }
    const headers = response.headers as Record<string, string | undefined>;
    const statusUrl = headers['azure-asyncoperation'];
    if (statusUrl) {
      await this.waitForOperation(statusUrl, retryAfterMs(headers), onProgress, signal);
    }
    return this.get(clusterId, signal);
  }

  private async waitForOperation(statusUrl: string, firstDelayMs: number, onProgress: (message: string) => void, signal?: AbortSignal): Promise<void> {
    const sleep = this.lro.sleep ?? abortableSleep;
    const deadline = Date.now() + MAX_LRO_MS;
    let delay = firstDelayMs;
    for (;;) {
      await sleep(delay, signal);
      const poll = await this.client.pathUnchecked(statusUrl).get({ abortSignal: signal });
      if (poll.status !== '200') {
        throw AzureRequestError.fromResponse(poll.status, poll.body, 'polling the cluster operation');
      }
      const op = poll.body as { status?: string; error?: { code?: string; message?: string } };
      const status = op.status ?? 'InProgress';
      if (/^succeeded$/i.test(status)) {
        return;
      }
      if (/^(failed|canceled|cancelled)$/i.test(status)) {
        throw new AzureRequestError(op.error?.message ?? `The cluster operation ended ${status}.`, op.error?.code ?? status, undefined);
      }
      if (Date.now() > deadline) {
        throw new Error(`The cluster operation is still ${status} after an hour; check it in the portal and run the plan again to resume.`);
      }
      onProgress(status);
      delay = retryAfterMs(poll.headers as Record<string, string | undefined>);
    }
  }
}
