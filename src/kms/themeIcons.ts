/**
 * Hover Markdown uses theme icons (`$(lock)`), which only VS Code's hovers and labels render; a Markdown document or
 * preview would show them as literal text. Escaped text (`$\(` after escapeMarkdown) is not an icon and stays.
 */
const THEME_ICON = /\$\([a-z0-9-]+(?:~[a-z]+)?\) ?/gi;

export function withoutThemeIcons(markdown: string): string {
  return markdown.replace(THEME_ICON, '');
}
