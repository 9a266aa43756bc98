/** The plan printed in an infrastructure-as-code format (the formats themselves: formatInfo.ts). */
import type { IacFormat } from './formatInfo';
import type { IacPlan } from './iacPlan';
import { renderArmTemplate } from './armTemplate';
import { renderBicep } from './bicep';
import { renderTerraform } from './terraform';

export function renderIac(format: IacFormat, plan: IacPlan): string {
  switch (format) {
    case 'terraform':
      return renderTerraform(plan);
    case 'bicep':
      return renderBicep(plan);
    case 'arm':
      return renderArmTemplate(plan);
  }
}
