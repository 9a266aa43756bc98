// Key material for every key version the data plane serves: RSA through rsa.ts, EC generated here,
// both lazily and cached per version id (version ids are unique, so material never collides).
import { generateKeyPair, type KeyObject } from 'node:crypto';
import type { PublicJwk } from './model/key';
import { RsaKeyStore } from './rsa';
import type { KeyVersionRecord } from './state';

/** Key Vault curve names → node:crypto's. */
const NODE_CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', 'P-256K': 'secp256k1' };
export const EC_CURVES = Object.keys(NODE_CURVES);

interface EcKeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly x: string;
  readonly y: string;
}

export class KeyMaterial {
  private readonly rsa = new RsaKeyStore();
  private readonly ec = new Map<string, Promise<EcKeyPair>>();

  private ecPair(versionId: string, curve: string): Promise<EcKeyPair> {
    const cacheKey = `${versionId}/${curve}`;
    let pair = this.ec.get(cacheKey);
    if (!pair) {
      pair = new Promise<EcKeyPair>((resolve, reject) => {
        generateKeyPair('ec', { namedCurve: NODE_CURVES[curve] ?? 'prime256v1' }, (err, publicKey, privateKey) => {
          if (err) return reject(err);
          const jwk = publicKey.export({ format: 'jwk' });
          resolve({ publicKey, privateKey, x: String(jwk.x), y: String(jwk.y) });
        });
      });
      pair.catch(() => this.ec.delete(cacheKey));
      this.ec.set(cacheKey, pair);
    }
    return pair;
  }

  async publicJwk(ver: KeyVersionRecord): Promise<PublicJwk> {
    if (ver.kty === 'EC' || ver.kty === 'EC-HSM') {
      const curve = ver.curve ?? 'P-256';
      const p = await this.ecPair(ver.version, curve);
      return { crv: curve, x: p.x, y: p.y };
    }
    const p = await this.rsa.get(ver.version, ver.keySize ?? 2048);
    return { n: p.n, e: p.e };
  }

  /** RSA only: the pair for encrypt/decrypt/wrap/unwrap. */
  rsaPair(ver: KeyVersionRecord): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
    return this.rsa.get(ver.version, ver.keySize ?? 2048);
  }
}
