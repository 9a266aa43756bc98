// The emulator's TLS certificate: self-signed for 127.0.0.1 and localhost, generated at start with
// `selfsigned`, or reused from --tls-dir so a long-lived process (code-server, npm start) that read
// NODE_EXTRA_CA_CERTS once keeps trusting restarted emulators.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** Absolute path of cert.pem: what NODE_EXTRA_CA_CERTS and info.caCertPath point at. */
  readonly certPath: string;
  readonly keyPath: string;
}

const REUSE_MARGIN_MS = 24 * 60 * 60 * 1000;

/** Extra names a certificate must also be valid for (e.g. a posed cloud's ARM host and `*.vault.azure.cn`). */
export interface TlsNames {
  /** File prefix inside the directory, e.g. `pose-AzureChinaCloud-` (default: none → cert.pem / key.pem). */
  readonly filePrefix?: string;
  readonly commonName?: string;
  readonly hosts?: readonly string[];
}

function usable(certPem: string, hosts: readonly string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      Date.parse(cert.validTo) - Date.now() > REUSE_MARGIN_MS &&
      cert.checkIP('127.0.0.1') !== undefined &&
      // A wildcard name is checked with a sample host under it.
      hosts.every(h => cert.checkHost(h.replace(/^\*\./, 'kvcheck.')) !== undefined)
    );
  } catch {
    return false;
  }
}

export async function loadOrCreateTls(dir?: string, names: TlsNames = {}): Promise<TlsMaterial> {
  const tlsDir = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), 'aks-kms-emulator-tls-'));
  mkdirSync(tlsDir, { recursive: true });
  const prefix = names.filePrefix ?? '';
  const certPath = join(tlsDir, `${prefix}cert.pem`);
  const keyPath = join(tlsDir, `${prefix}key.pem`);
  const hosts = names.hosts ?? [];
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (usable(cert, hosts)) return { cert, key: readFileSync(keyPath, 'utf8'), certPath, keyPath };
  }
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(notBefore.getTime() + 2 * 365 * 24 * 60 * 60 * 1000);
  // EC P-256 keeps generation fast (start-up budget < 1.5 s). The cert is its own CA: it is what
  // clients trust through NODE_EXTRA_CA_CERTS, and OpenSSL wants a CA flag on a trust anchor.
  const pems = await generate([{ name: 'commonName', value: names.commonName ?? '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '::1' },
          ...hosts.map(value => ({ type: 2 as const, value })),
        ],
      },
    ],
  });
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, certPath, keyPath };
}
