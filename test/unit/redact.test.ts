/**
 * redactSecrets guards the output channel: whatever an Azure SDK error or a logged URL carries, no usable credential
 * may reach the log. Each case below is a realistic secret in realistic surroundings; the expected output keeps the
 * surroundings (what was redacted, and where) and drops every character of the secret.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactSecrets } from '../../src/kms/redact';

// A real-shaped RS256 access token: header, payload and a 43-character signature (base64url).
const JWT_HEADER = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ik1uQ19WWmNBVGZNNXBPWWlKSE1iYTlnb0VLWSJ9';
const JWT_PAYLOAD = 'eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tLyIsIm9pZCI6IjEyMzQ1Njc4In0';
const JWT_SIGNATURE = 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const JWT = `${JWT_HEADER}.${JWT_PAYLOAD}.${JWT_SIGNATURE}`;

describe('redactSecrets', () => {
  const cases: [name: string, input: string, expected: string][] = [
    ['a whole JWT, signature included', `token ${JWT} expired`, 'token <redacted-token> expired'],
    ['a JWT at the end of the text', `got ${JWT}`, 'got <redacted-token>'],
    ['a JWT without a signature (alg none) still goes', `${JWT_HEADER}.${JWT_PAYLOAD}. next`, '<redacted-token> next'],
    ['a bearer token, keeping the scheme', 'Authorization: Bearer 0.AXoA2kR_z-Xy.abc~def+ghi/jkl== sent', 'Authorization: Bearer <redacted> sent'],
    ['a bearer token after several spaces', 'Authorization: Bearer    s3cr3t-t0ken-value', 'Authorization: Bearer <redacted>'],
    ['a bearer token in another letter case', 'authorization: bearer s3cr3t-t0ken-value', 'authorization: bearer <redacted>'],
    ['an access_token query parameter', 'GET https://login.example/cb?access_token=ya29.a0Af-x_y~z&state=1', 'GET https://login.example/cb?access_token=<redacted>&state=1'],
    ['a refresh_token form field', 'grant_type=refresh_token&refresh_token=0.ARoA-long.refresh%2Btoken&scope=x', 'grant_type=refresh_token&refresh_token=<redacted>&scope=x'],
    ['a client_secret, up to the whitespace', 'client_id=abc client_secret=Q~8Xv.sEcReT_value-123 tenant=t', 'client_id=abc client_secret=<redacted> tenant=t'],
    ['a password, up to the closing quote', 'body "user=me&password=hunter2!hunter2"', 'body "user=me&password=<redacted>"'],
    ['a SAS signature', 'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbC%2Bdef%3D&se=2026', 'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=<redacted>&se=2026'],
    ['a PASSWORD parameter in capitals', 'PASSWORD=Hunter2Hunter2', 'PASSWORD=<redacted>'],
  ];
  for (const [name, input, expected] of cases) {
    it(`redacts ${name}`, () => {
      assert.equal(redactSecrets(input), expected);
    });
  }

  it('leaves text without credentials unchanged', () => {
    const text = 'Key aks-kms in kvprod rotated; GET https://kvprod.vault.azure.net/keys/aks-kms?api-version=7.4 returned 200';
    assert.equal(redactSecrets(text), text);
  });

  it('redacts every secret in a line, not only the first', () => {
    const out = redactSecrets(`a=${JWT} b=${JWT} Bearer one Bearer two sig=x1&sig=x2`);
    assert.equal(out, 'a=<redacted-token> b=<redacted-token> Bearer <redacted> Bearer <redacted> sig=<redacted>&sig=<redacted>');
  });
});
