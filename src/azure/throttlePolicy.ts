/** The pipeline side of a batch's shared back-off (src/kms/bulk/throttleGate.ts): wait while paused, pause on 429. */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { retryAfterMs, ThrottleGate } from '../kms/bulk/throttleGate';
import type { AdditionalPolicyConfig } from './azureContext';

export function batchThrottlePolicy(gate: ThrottleGate): AdditionalPolicyConfig {
  const policy: PipelinePolicy = {
    name: 'aksKmsBatchThrottle',
    async sendRequest(request, next) {
      // The pause is bounded by the service's Retry-After, so the wait does not watch the request's abort signal.
      await gate.wait();
      const response = await next(request);
      if (response.status === 429) {
        gate.pause(retryAfterMs(response.headers.get('retry-after'), Date.now()));
      }
      return response;
    },
  };
  // Per retry: the SDK's own retry of a throttled request waits at the gate like every other request.
  return { policy, position: 'perRetry' };
}
