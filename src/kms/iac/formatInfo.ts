/**
 * The infrastructure-as-code formats the plan can be exported as, and how each is opened in an editor. Apart from the
 * printers (formats.ts), which load with the Azure SDK bundle on first use: the activation bundle needs only this list.
 */
export type IacFormat = 'terraform' | 'bicep' | 'arm';

export interface IacFormatInfo {
  readonly format: IacFormat;
  /** The file name's ending, so Save proposes a name the tools recognise. */
  readonly extension: string;
  /** The editor language id (the HashiCorp Terraform extension's); plain text where no extension provides it. */
  readonly languageId: string;
}

export const IAC_FORMATS: readonly IacFormatInfo[] = [
  { format: 'terraform', extension: 'tf', languageId: 'terraform' },
  { format: 'bicep', extension: 'bicep', languageId: 'bicep' },
  { format: 'arm', extension: 'json', languageId: 'json' },
];

