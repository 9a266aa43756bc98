// Stryker ignore-plugin "l10n-messages" (stryker.config.mjs: `ignorers: ['l10n-messages']`): no mutants in the message
// text of `l10n.t(...)` / `vscode.l10n.t(...)` calls — the first argument, or the `message` / `comment` of the object
// form. That wording is user-facing text, checked by the l10n tests (every string extracted and translated), not a rule;
// mutating it only adds survivors. Everything else in the call (its placeholder arguments) is still mutated, and so
// are string literals elsewhere (finding codes, ARM ids, the az script), which the behaviour tests must pin.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const REASON = 'user-facing message text of l10n.t (checked by the l10n tests, not a rule)';

/** `l10n.t` or `<anything>.l10n.t`, not computed. */
function isL10nT(callee) {
  if (callee?.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== 't') return false;
  const obj = callee.object;
  return (obj.type === 'Identifier' && obj.name === 'l10n')
    || (obj.type === 'MemberExpression' && !obj.computed && obj.property.type === 'Identifier' && obj.property.name === 'l10n');
}

/** The node is the first argument of an `l10n.t(...)` call. */
function isFirstArgOfL10nT(path) {
  const parent = path.parentPath;
  return !!parent && parent.isCallExpression() && parent.node.arguments[0] === path.node && isL10nT(parent.node.callee);
}

export const l10nMessageIgnorer = {
  shouldIgnore(path) {
    if (isFirstArgOfL10nT(path) && !path.isObjectExpression()) return REASON;
    // l10n.t({ message: '…', args: […], comment: '…' }): only the message and the comment.
    if (path.isObjectProperty() && !path.node.computed && ['message', 'comment'].includes(path.node.key.name ?? path.node.key.value)
      && path.parentPath.isObjectExpression() && isFirstArgOfL10nT(path.parentPath)) {
      return REASON;
    }
    return undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'l10n-messages', l10nMessageIgnorer)];
