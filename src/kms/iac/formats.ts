/** The plan printed in an infrastructure-as-code format (the formats themselves: formatInfo.ts). */
import type { IacFormat } from './formatInfo';
import type { IacPlan } from './iacPlan';
import { renderArmTemplate } from './armTemplate';
import { renderBicep } from './bicep';
import { renderTerraform } from './terraform';

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
