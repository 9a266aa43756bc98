/** Tiny DOM helpers for the wizard: build elements without innerHTML (nothing from the host is ever parsed as HTML). */
import type { Choice } from './protocol';

export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

export function field(id: string, label: string, value: string, helper?: string): HTMLElement {
  return el('vscode-form-group', { variant: 'vertical' },
    el('vscode-label', { for: id }, label),
    el('vscode-textfield', { id, name: id, value }),
    ...(helper ? [el('vscode-form-helper', {}, helper)] : []));
}

export function radioGroup(name: string, label: string, options: { value: string; label: string; disabled?: boolean }[], selected: string): HTMLElement {
  return el('vscode-form-group', { variant: 'vertical' },
    el('vscode-label', {}, label),
    el('vscode-radio-group', { id: name, variant: 'vertical' },
      ...options.map(o => el('vscode-radio', { name, value: o.value, label: o.label, ...(o.value === selected && !o.disabled ? { checked: '' } : {}), ...(o.disabled ? { disabled: '' } : {}) }))));
}

export function select(id: string, label: string, choices: readonly Choice[], selected?: string): HTMLElement {
  return el('vscode-form-group', { variant: 'vertical' },
    el('vscode-label', { for: id }, label),
    el('vscode-single-select', { id, name: id },
      ...choices.map(c => el('vscode-option', { value: c.id, description: c.description ?? '', ...(c.id === selected ? { selected: '' } : {}) }, c.label))));
}

/** The value of a text field, a select, or the checked radio of a group. */
export function valueOf(id: string): string {
  const element = document.getElementById(id) as (HTMLElement & { value?: string }) | null;
  if (element?.tagName.toLowerCase() === 'vscode-radio-group') {
    const checked = element.querySelector('vscode-radio[checked]') as (HTMLElement & { value?: string; checked?: boolean }) | null;
    const live = [...element.querySelectorAll('vscode-radio')].find(r => (r as HTMLElement & { checked?: boolean }).checked) as (HTMLElement & { value?: string }) | undefined;
    return live?.value ?? checked?.getAttribute('value') ?? '';
  }
  return element?.value ?? '';
}
