/**
 * A dropped connection (reset, refused, timed out) reaches the caller as "socket hang up" or "read ECONNRESET":
 * true, but nothing a user can act on. Once the SDK's own retries have given up, this policy (outermost, so after
 * them) turns such an error into one sentence that says which endpoint failed and what to do; the code and the
 * request stay on the error for the log. Answers from the service (any HTTP status) are left alone.
 */
import { isRestError, RestError, type PipelinePolicy } from '@azure/core-rest-pipeline';

export const CONNECTION_ERROR_POLICY_NAME = 'aksKmsConnectionErrorPolicy';

const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENETUNREACH', 'EHOSTUNREACH']);

/** No HTTP answer at all: the connection failed or was dropped. */
export function isConnectionError(err: unknown): err is RestError {
  return isRestError(err) && !err.response && (CONNECTION_ERROR_CODES.has(err.code ?? '') || /socket hang up/i.test(err.message));
}

export function connectionErrorPolicy(): PipelinePolicy {
  return {
    name: CONNECTION_ERROR_POLICY_NAME,
    async sendRequest(request, next) {
      try {
        return await next(request);
      } catch (err) {
        if (!isConnectionError(err)) {
          throw err;
        }
        let host = request.url;
        try {
          host = new URL(request.url).host;
        } catch {
          // keep the whole URL
        }
        throw new RestError(
          `The connection to ${host} failed (${err.code ?? 'network error'}: ${err.message}) and retrying did not help. Check your network connection, proxy or VPN, then try again.`,
          { code: err.code, request },
        );
      }
    },
  };
}
