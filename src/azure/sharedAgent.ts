/**
 * One keep-alive HTTPS agent for every Azure client of the extension. The SDK gives each client its own agent, and the
 * adapters make a client per call (cheap objects, credentials per directory), so without this every call would open
 * a new TLS connection: in VS Code's extension host that handshake — through its proxy agent, which reuses the agent
 * it is handed for direct connections — was most of the key-health time (`BENCH_CPU_PROFILE`, issue 14 §4).
 */
import { Agent } from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** No socket limit (the fleet load runs its confirmations in parallel); idle sockets stay open for reuse. */
const sharedAgent = new Agent({ keepAlive: true });

export function sharedAgentPolicy(): PipelinePolicy {
  return {
    name: 'aksKmsSharedAgent',
    sendRequest(request, next) {
      // A request with TLS settings of its own (client certificates) keeps the SDK's agent for them.
      if (!request.agent && !request.tlsSettings && request.url.startsWith('https:')) {
        request.agent = sharedAgent;
        // VS Code's proxy support hands each request an agent of its own without keep-alive, so Node would send
        // "Connection: close"; asking for keep-alive explicitly lets the socket go back to the shared agent's pool.
        request.headers.set('connection', 'keep-alive');
        // Says outright that this is HTTPS. The SDK's request options carry host, port and path but no protocol, and
        // the proxy agent VS Code puts on every request (agent-base) then works it out from a stack trace, twice
        // per request — in an extension host that keeps 100 frames per trace (test/bench scenario 4, BENCH_CPU_PROFILE:
        // `isSecureEndpoint` and `get stack` among the largest self times while the keys are read).
        request.requestOverrides = { ...request.requestOverrides, protocol: 'https:' };
      }
      return next(request);
    },
  };
}
