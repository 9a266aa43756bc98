// One HTTPS listener per vault, each on its own 127.0.0.1 port and sharing the emulator's certificate.
// Why a port per vault: Key Vault ids are `https://<vault host>/keys/{n}/{ver}`, and the SDK derives the
// vault from the host, so every vault needs a host:port of its own. Listeners outlive resets.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpError } from './errors';
import type { FaultInjector } from './faults';
import { errorReply, listen, parseRequest, writeReply, type ParsedRequest, type Reply } from './http';
import { connectionIdOf, type RequestLog } from './requestLog';
import type { VaultProvisioner } from './state';
import type { TlsMaterial } from './tls';

export type VaultRequestHandler = (req: IncomingMessage, parsed: ParsedRequest, vaultName: string, baseUrl: string) => Promise<Reply>;

interface Listener {
  readonly name: string;
  readonly server: Server;
  readonly port: number;
}

export interface VaultListenersOptions {
  readonly tls: TlsMaterial;
  /** Interface to bind (the data plane is always 127.0.0.1, as key ids name it). */
  readonly host: string;
  readonly log: RequestLog;
  /** Fault rules of POST /_emulator/faults, checked before anything else. */
  readonly faults?: FaultInjector;
  /**
   * A cloud pose (cloudPose.ts): the vault's public base URL, `https://<vault>.vault.azure.cn`, which the CONNECT
   * proxy tunnels to the listener. Default (local mode): the listener itself, `https://127.0.0.1:<port>`.
   */
  readonly publicBaseUrl?: (vaultName: string) => string;
}

export class VaultListeners implements VaultProvisioner {
  private readonly listeners = new Map<string, Listener>();
  /** Opens in flight, so two creates of one vault never bind two ports. */
  private readonly opening = new Map<string, Promise<number>>();
  private handler: VaultRequestHandler | undefined;

  constructor(private readonly opts: VaultListenersOptions) {}

  /** Set once the data-plane handler exists (it needs the store, which needs these endpoints). */
  setHandler(handler: VaultRequestHandler): void {
    this.handler = handler;
  }

  /** Opens the vault's listener if it has none yet; returns its port. */
  async open(vaultName: string): Promise<number> {
    const key = vaultName.toLowerCase();
    const existing = this.listeners.get(key);
    if (existing) return existing.port;
    let pending = this.opening.get(key);
    if (!pending) {
      pending = (async () => {
        const server = createServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }, (req, res) => this.serve(vaultName, req, res));
        const port = await listen(server, this.opts.host, 0);
        this.listeners.set(key, { name: vaultName, server, port });
        return port;
      })().finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  baseUrl(vaultName: string): string {
    const l = this.listeners.get(vaultName.toLowerCase());
    if (!l) throw new Error(`emulator: vault ${vaultName} has no data-plane listener`);
    return this.opts.publicBaseUrl ? this.opts.publicBaseUrl(l.name) : `https://127.0.0.1:${l.port}`;
  }

  /** The vault's listener port on 127.0.0.1, undefined when it has none (the CONNECT proxy's routing). */
  port(vaultName: string): number | undefined {
    return this.listeners.get(vaultName.toLowerCase())?.port;
  }

  async closeAll(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(
      all.map(
        (l) =>
          new Promise<void>((resolve) => {
            l.server.close(() => resolve());
            l.server.closeAllConnections();
          }),
      ),
    );
  }

  private serve(vaultName: string, req: IncomingMessage, res: ServerResponse): void {
    const parsed = parseRequest(req);
    res.on('finish', () => {
      this.opts.log.add({ method: parsed.method, path: parsed.pathAndQuery, status: res.statusCode, at: new Date().toISOString(), host: req.headers.host ?? '', connection: connectionIdOf(req.socket) });
    });
    if (this.opts.faults?.intercept(req, res, parsed, { kind: 'vault', vaultName })) return;
    const headers = { 'x-ms-request-id': randomUUID(), 'x-ms-keyvault-service-version': '1.9.0.0', 'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;`, 'cache-control': 'no-cache' };
    const handler = this.handler;
    const work = handler
      ? handler(req, parsed, vaultName, this.baseUrl(vaultName))
      : Promise.reject(new HttpError(503, 'ServiceUnavailable', 'The vault is starting.'));
    work
      .catch((e: unknown): Reply => {
        if (e instanceof HttpError) return errorReply(e);
        return errorReply(new HttpError(500, 'InternalServerError', `Emulator error: ${(e as Error)?.stack ?? String(e)}`));
      })
      .then((reply) => writeReply(res, reply, headers))
      .catch(() => res.destroy());
  }
}
