/** Azure failures as one error type: a user-facing message plus the Azure error code for the log. */

export class AzureRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly statusCode: number | undefined,
  ) {
    super(message);
    this.name = 'AzureRequestError';
  }

  static fromResponse(status: string, body: unknown, operation: string): AzureRequestError {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const statusCode = Number(status);
    return new AzureRequestError(error?.message ?? `${operation} failed with HTTP ${status}.`, error?.code, Number.isFinite(statusCode) ? statusCode : undefined);
  }
}

/** Pulls `code`/`statusCode` off RestError-like objects without depending on their class. */
export function azureErrorCode(err: unknown): { code?: string; statusCode?: number } {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; statusCode?: unknown };
    return { code: typeof e.code === 'string' ? e.code : undefined, statusCode: typeof e.statusCode === 'number' ? e.statusCode : undefined };
  }
  return {};
}

export function isNotFound(err: unknown): boolean {
  return azureErrorCode(err).statusCode === 404;
}
