// Real RSA key material per key version, generated lazily with node:crypto and kept for the process.
// Why lazy: 2048-bit generation costs ~50–200 ms each; the start-up budget is 1.5 s and most runs read
// only a few versions through the data plane. Version ids are stable across resets, so is the material.
import { generateKeyPair, type KeyObject } from 'node:crypto';

export interface RsaKeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /** JWK modulus and exponent, base64url, as Key Vault returns them. */
  readonly n: string;
  readonly e: string;
}

export class RsaKeyStore {
  private readonly pairs = new Map<string, Promise<RsaKeyPair>>();

  /** The key pair of `versionId` (generated on first use). */
  get(versionId: string, modulusLength = 2048): Promise<RsaKeyPair> {
    const cacheKey = `${versionId}/${modulusLength}`;
    let pair = this.pairs.get(cacheKey);
    if (!pair) {
      pair = new Promise<RsaKeyPair>((resolve, reject) => {
        generateKeyPair('rsa', { modulusLength, publicExponent: 0x10001 }, (err, publicKey, privateKey) => {
          if (err) return reject(err);
          const jwk = publicKey.export({ format: 'jwk' });
          resolve({ publicKey, privateKey, n: String(jwk.n), e: String(jwk.e) });
        });
      });
      pair.catch(() => this.pairs.delete(cacheKey));
      this.pairs.set(cacheKey, pair);
    }
    return pair;
  }
}
