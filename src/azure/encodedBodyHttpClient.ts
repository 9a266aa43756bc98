/**
 * The SDK's own transport, with one difference for large JSON lists: a compressed body is handed over still encoded,
 * to be decoded in one piece once it has arrived (`decodedBody`).
 *
 * Why: Azure compresses managed-cluster lists (`Content-Encoding: gzip`, recorded from real AKS), and the SDK's
 * transport decodes every compressed body as a stream, in 16 KB pieces, each a round trip to libuv's thread pool.
 * For the fleet's confirmations, ~37 MB of cluster JSON in a 10,000-cluster fleet, that costs about twice the CPU of
 * decoding each page at once (zlib stream vs `gunzipSync` over the same 200 pages: ~145 ms vs ~65 ms here), on the
 * extension host's own thread. Nothing else changes: the request goes through the same pipeline (authentication,
 * retries, the shared agent, proxies) and the same `https` transport (`createDefaultHttpClient`).
 *
 * How: the SDK decides to decode from the request's `Accept-Encoding` header, so the header leaves the request's
 * headers and is sent through `requestOverrides` instead (PipelineRequest: options "set on the request" that override
 * the HttpClient's own), with every other header as the pipeline left it.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { createDefaultHttpClient, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

/** What the SDK's decompression policy asks for (decompressResponsePolicy): the codings decodedBody knows. */
const ACCEPTED_ENCODINGS = 'gzip,deflate';

const transport = createDefaultHttpClient();

export const encodedBodyHttpClient: HttpClient = {
  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    request.headers.delete('Accept-Encoding');
    const headers = { ...request.headers.toJSON({ preserveCase: true }), 'Accept-Encoding': ACCEPTED_ENCODINGS };
    request.requestOverrides = { ...request.requestOverrides, headers };
    return transport.sendRequest(request);
  },
};

/** The body as sent before its `Content-Encoding` (absent or `identity`: as it is); throws on a coding not asked for. */
export function decodedBody(body: Buffer, contentEncoding: string | undefined): Buffer {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  switch (coding) {
    case 'identity':
    case '':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    default:
      throw new Error(`The response is encoded as '${contentEncoding}', which was not asked for (Accept-Encoding: ${ACCEPTED_ENCODINGS}).`);
  }
}
