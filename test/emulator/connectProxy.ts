// The posing emulator's HTTP CONNECT proxy (cloudPose.ts). Clients get `HTTPS_PROXY=<proxyUrl>` — the Azure SDK's
// pipelines honour it (@typespec/ts-http-runtime's proxyPolicy) — and then talk to the cloud's real host names:
//
//   CONNECT management.chinacloudapi.cn:443   → a TCP tunnel to the ARM listener
//   CONNECT <vault>.vault.azure.cn:443        → a TCP tunnel to that vault's data-plane listener
//   CONNECT anything-else:port                → 403; nothing ever leaves the machine
//
// TLS is end to end between the client and the listener, which in a pose presents the pose's certificate (valid for
// the ARM host and `*.<suffix>`), so the client verifies the cloud's own names, sends them as SNI and Host, and the
// emulator renders nextLinks and LRO URLs with them. A name in the suffix that is no vault answers 502, as a proxy
// does when DNS has no such host.
//
// Diagnostics, for tests (plain GET on the proxy port, never proxied): `GET /_proxy/status` → `{cloud, armHost,
// tunnels:[{target, status, at}]}`; `GET /_proxy/vaults/<name>` → `{name, directUrl}`, the listener's own
// `https://127.0.0.1:<port>` (to show a client that the challenge resource is checked against the host it used).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { listen } from './http';
import { armHostOf, vaultNameOfHost, type PoseCloud } from './cloudPose';

export interface ConnectProxyOptions {
  readonly cloud: PoseCloud;
  /** Where the ARM listener accepts connections (an interface address, not 0.0.0.0). */
  readonly arm: { readonly host: string; readonly port: number };
  /** A vault's data-plane port on 127.0.0.1; undefined when there is no such vault (yet). */
  vaultPort(vaultName: string): number | undefined;
  /** Vaults whose URI is in another cloud's domain: no name of this cloud reaches them. */
  readonly foreignVaults: ReadonlySet<string>;
}

export interface TunnelRecord {
  /** `host:port` as the client asked for it. */
  readonly target: string;
  /** 200 tunnelled, 403 outside the cloud, 502 no such vault, 400 unreadable. */
  readonly status: number;
  readonly at: string;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`: the HTTPS_PROXY value. */
  readonly url: string;
  readonly port: number;
  tunnels(): TunnelRecord[];
  close(): Promise<void>;
}

const MAX_RECORDS = 10_000;

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(`${JSON.stringify(body)}\n`);
}

export async function startConnectProxy(opts: ConnectProxyOptions): Promise<ConnectProxy> {
  const armHost = armHostOf(opts.cloud);
  const records: TunnelRecord[] = [];
  const open = new Set<Socket | Duplex>();
  const record = (target: string, status: number) => {
    records.push({ target, status, at: new Date().toISOString() });
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  };

  type Route = { ok: true; port: number; host: string } | { ok: false; status: number; reason: string; message: string };
  const route = (host: string, port: number): Route => {
    const h = host.toLowerCase().replace(/\.$/, '');
    // rule: emu-admin-invalid
    const outside: Route = {
      ok: false,
      status: 403,
      reason: 'Forbidden',
      message: `The emulator posing as ${opts.cloud.name} only tunnels ${armHost}:443 and *.${opts.cloud.keyVaultDnsSuffix}:443; it never reaches ${host}:${port}.`,
    };
    if (port !== 443) return outside;
    if (h === armHost) return { ok: true, host: opts.arm.host, port: opts.arm.port };
    const vault = vaultNameOfHost(opts.cloud, h);
    if (vault === undefined) return outside;
    const vaultPort = opts.foreignVaults.has(vault) ? undefined : opts.vaultPort(vault);
    if (vaultPort === undefined) return { ok: false, status: 502, reason: 'Bad Gateway', message: `${host} does not resolve: there is no vault ${vault}.` };
    return { ok: true, host: '127.0.0.1', port: vaultPort };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Origin-form GETs are the proxy's own diagnostics; anything absolute-form is a plain-HTTP proxy request.
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/_proxy/status') {
      sendJson(res, 200, { cloud: opts.cloud.name, armHost, tunnels: [...records] });
      return;
    }
    const vault = req.method === 'GET' ? /^\/_proxy\/vaults\/([^/?]+)$/.exec(url)?.[1] : undefined;
    if (vault !== undefined) {
      const port = opts.vaultPort(decodeURIComponent(vault));
      if (port === undefined) sendJson(res, 404, { error: `no vault ${vault}` });
      else sendJson(res, 200, { name: vault, directUrl: `https://127.0.0.1:${port}` });
      return;
    }
    record(`${req.method} ${url}`, 403);
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(`The emulator's proxy only tunnels HTTPS (CONNECT) to ${armHost} and *.${opts.cloud.keyVaultDnsSuffix}.\n`);
  });

  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    const m = /^\[?([^[\]]+?)\]?:(\d{1,5})$/.exec(target);
    if (!m) {
      record(target, 400);
      refuse(client, 400, 'Bad Request', `CONNECT needs host:port, got '${target}'.`);
      return;
    }
    const decision = route(m[1], Number(m[2]));
    if (!decision.ok) {
      record(target, decision.status);
      refuse(client, decision.status, decision.reason, decision.message);
      return;
    }
    const upstream = connect(decision.port, decision.host);
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      record(target, 200);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (connected) {
        client.destroy();
        return;
      }
      record(target, 502);
      refuse(client, 502, 'Bad Gateway', `The emulator's listener for ${m[1]} did not answer.`);
    });
    client.once('close', () => upstream.destroy());
  });

  const port = await listen(server, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels: () => [...records],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of open) s.destroy();
        open.clear();
      }),
  };
}
