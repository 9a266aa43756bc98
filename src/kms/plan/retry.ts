/**
 * Retry policy for data-plane calls made right after a role assignment: Azure RBAC takes time to propagate, and
 * until it has, Key Vault answers 403 (AZURE.md). Only that is retried here; throttling and 5xx are retried by the
 * SDK pipelines themselves.
 */

export interface RetryOptions {
  /** Total time to spend waiting between attempts, ms (counted from the waits, so it does not depend on how fast
   * each attempt fails — the same on a loaded machine as on an idle one). */
  readonly timeoutMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

export const ROLE_PROPAGATION_RETRY: Pick<RetryOptions, 'timeoutMs' | 'initialDelayMs' | 'maxDelayMs'> = {
  timeoutMs: 5 * 60_000,
  initialDelayMs: 2_000,
  maxDelayMs: 20_000,
};

/** A 403 that is not the firewall: the caller's new role has not reached the data plane yet. */
export function isRolePropagationDenial(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string; details?: { error?: { innererror?: { code?: string } } }; message?: string } | undefined;
  if (e?.statusCode !== 403) {
    return false;
  }
  const inner = e.details?.error?.innererror?.code ?? '';
  return !/ForbiddenBy(Firewall|Connection)/i.test(inner) && !/ForbiddenBy(Firewall|Connection)/i.test(e.message ?? '');
}

/**
 * AKS checks the cluster identity's access to the key whenever the KMS settings change. Right after the identity got
 * its Key Vault role, that check fails until RBAC propagates: 400 AzureKeyVaultKmsValidateIdentityPermissionCustomerError.
 */
export function isIdentityPermissionPending(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string } | undefined;
  return e?.statusCode === 400 && e.code === 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError';
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function retryWhile<T>(operation: () => Promise<T>, shouldRetry: (err: unknown) => boolean, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? abortableSleep;
  let waited = 0;
  let delay = options.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!shouldRetry(err) || waited + delay > options.timeoutMs || options.signal?.aborted) {
        throw err;
      }
      options.onRetry?.(attempt, delay, err);
      await sleep(delay, options.signal);
      waited += delay;
      delay = Math.min(options.maxDelayMs, delay * 2);
    }
  }
}
