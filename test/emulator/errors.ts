// Errors a handler throws; the listener turns them into the service's error body.
// ARM and Key Vault share the outer shape `{error:{code, message, ...}}` (ErrorResponse / CloudError /
// KeyVaultError); Key Vault adds `innererror`, Resource Graph adds `details`.
export interface ErrorDetailBody {
  code: string;
  message: string;
}

export interface ErrorExtras {
  /** Key Vault: `innererror: {code}` (e.g. ForbiddenByFirewall). */
  innererror?: { code: string };
  /** ARM / Resource Graph: nested details. */
  details?: ErrorDetailBody[];
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extras: ErrorExtras = {},
  ) {
    super(message);
  }

  body(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.extras.innererror) error.innererror = this.extras.innererror;
    if (this.extras.details) error.details = this.extras.details;
    return { error };
  }
}

/** ARM's answer for a resource that does not exist under an existing resource group. */
export function resourceNotFound(type: string, name: string, resourceGroup: string): HttpError {
  return new HttpError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function resourceGroupNotFound(resourceGroup: string): HttpError {
  return new HttpError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

/**
 * ARM's answer to a token issued by another directory than the subscription's (rule emu-token-tenant): Learn,
 * "Troubleshoot common Azure deployment errors" lists InvalidAuthenticationTokenTenant ("The access token is from the
 * wrong issuer … It must match the tenant … associated with this subscription").
 */
export function wrongTokenTenant(tokenTenant: string, subscriptionTenant: string): HttpError {
  return new HttpError(
    401,
    'InvalidAuthenticationTokenTenant',
    `The access token is from the wrong issuer 'https://sts.windows.net/${tokenTenant}/'. It must match the tenant 'https://sts.windows.net/${subscriptionTenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
  );
}

export function subscriptionNotFound(subscriptionId: string): HttpError {
  return new HttpError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}
