/**
 * encodedBodyHttpClient: the SDK's transport, asking for gzip on the wire but handing the body over still encoded, and
 * decodedBody, which decodes it in one piece. Against a local HTTP server that answers as AKS does (gzip when asked).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { decodedBody, encodedBodyHttpClient } from '../../src/azure/encodedBodyHttpClient';

const BODY = Buffer.from(JSON.stringify({ value: Array.from({ length: 200 }, (_, i) => ({ id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-${i}` })) }));

describe('encodedBodyHttpClient', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      res.writeHead(200, { 'content-type': 'application/json', vary: 'Accept-Encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync(BODY) : BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/list`;
  });
  after(() => server.close());

  const send = async () => {
    // As the pipeline leaves a request: the SDK's decompression policy asked for gzip, the auth policy signed it.
    const request = createPipelineRequest({ url, allowInsecureConnection: true, streamResponseStatusCodes: new Set([Number.POSITIVE_INFINITY]) });
    request.headers.set('Accept-Encoding', 'gzip,deflate');
    request.headers.set('Authorization', 'Bearer token');
    const response = await encodedBodyHttpClient.sendRequest(request);
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) chunks.push(chunk as Buffer);
    return { request, response, encoded: Buffer.concat(chunks) };
  };

  it('asks for gzip on the wire, with every other header, and hands over the body still encoded', async () => {
    seen.length = 0;
    const { response, encoded } = await send();
    assert.equal(seen[0]['accept-encoding'], 'gzip,deflate');
    assert.equal(seen[0].authorization, 'Bearer token');
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    assert.ok(encoded.length < BODY.length / 4, `${encoded.length} bytes of ${BODY.length}: still compressed`);
    assert.deepEqual(decodedBody(encoded, response.headers.get('content-encoding')), BODY);
  });

  it('sends the same request again as the first time (a retry goes through the client again)', async () => {
    seen.length = 0;
    const first = await send();
    const again = await encodedBodyHttpClient.sendRequest(first.request);
    again.readableStreamBody?.resume();
    assert.deepEqual(seen.map((h) => h['accept-encoding']), ['gzip,deflate', 'gzip,deflate']);
    assert.equal(first.request.headers.get('Accept-Encoding'), undefined, 'the SDK transport is not told to decode');
  });
});

describe('decodedBody', () => {
  it('decodes gzip and deflate, keeps identity, and refuses a coding it did not ask for', () => {
    assert.deepEqual(decodedBody(gzipSync(BODY), 'gzip'), BODY);
    assert.deepEqual(decodedBody(gzipSync(BODY), 'GZIP'), BODY);
    assert.deepEqual(decodedBody(deflateSync(BODY), 'deflate'), BODY);
    assert.equal(decodedBody(BODY, undefined), BODY);
    assert.equal(decodedBody(BODY, 'identity'), BODY);
    assert.throws(() => decodedBody(BODY, 'br'), /encoded as 'br', which was not asked for \(Accept-Encoding: gzip,deflate\)/);
    assert.throws(() => decodedBody(BODY, 'gzip'), /incorrect header check/);
    // The size a gzip body announces only sizes the output: a wrong announcement still decodes the whole body.
    const understated = gzipSync(BODY);
    understated.writeUInt32LE(10, understated.length - 4);
    assert.throws(() => decodedBody(understated, 'gzip'), /incorrect length check/, 'zlib checks the announced size');
    const twoMembers = Buffer.concat([gzipSync(BODY), gzipSync(Buffer.from('!'))]); // announces 1 byte, decodes to all
    assert.deepEqual(decodedBody(twoMembers, 'gzip'), Buffer.concat([BODY, Buffer.from('!')]));
  });
});
