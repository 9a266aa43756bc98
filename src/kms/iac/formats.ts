/** The infrastructure-as-code formats the plan can be exported as, and how each is opened in an editor. */
import type { IacPlan } from './iacPlan';
import { renderArmTemplate } from './armTemplate';
import { renderBicep } from './bicep';
import { renderTerraform } from './terraform';

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

/** The code, or why this format cannot express the plan (Bicep: resources in other resource groups). */
export type IacExport = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly otherResourceGroups: readonly string[] };

export function renderIac(format: IacFormat, plan: IacPlan): IacExport {
  switch (format) {
    case 'terraform':
      return { ok: true, text: renderTerraform(plan) };
    case 'bicep':
      return renderBicep(plan);
    case 'arm':
      return { ok: true, text: renderArmTemplate(plan) };
  }
}
