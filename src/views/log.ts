/** The "AKS KMS" LogOutputChannel. Every line passes through redaction: tokens and secrets never reach it. */
import * as vscode from 'vscode';
import { redactSecrets } from '../kms/redact';

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
}

export function createLog(): Log & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('AKS KMS', { log: true });
  return {
    info: m => channel.info(redactSecrets(m)),
    warn: m => channel.warn(redactSecrets(m)),
    error: m => channel.error(redactSecrets(m)),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
