/**
 * Telemetry through VS Code's TelemetryLogger, which honours `telemetry.telemetryLevel` (nothing is sent when the
 * user turned usage data off) and strips common PII. Events come only from src/kms/telemetry's allow-list. Data
 * goes to Application Insights through `@vscode/extension-telemetry` only when the package declares a connection
 * string (`telemetryConnectionString` in package.json); an open-source build without one sends nothing anywhere.
 */
import * as vscode from 'vscode';
import { TelemetryEvent, telemetryProperties } from '../kms/telemetry';

export interface SentTelemetry {
  readonly eventName: string;
  readonly properties: Record<string, string>;
}

export class Telemetry implements vscode.Disposable {
  private readonly logger: vscode.TelemetryLogger;
  private readonly sent: SentTelemetry[] = [];
  private reporter?: { sendTelemetryEvent(name: string, props?: Record<string, string>): void; dispose(): Promise<unknown> };

  constructor(connectionString: string | undefined) {
    const sent = this.sent;
    this.logger = vscode.env.createTelemetryLogger({
      sendEventData: (eventName, data) => {
        const properties = Object.fromEntries(Object.entries(data ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
        sent.push({ eventName, properties });
        if (sent.length > 200) {
          sent.shift();
        }
        this.reporter?.sendTelemetryEvent(eventName.replace(/^.*\//, ''), properties);
      },
      sendErrorData: () => {
        // Errors are reported as flow outcomes with step ids only; exception texts may name resources.
      },
    });
    if (connectionString) {
      void import('./telemetryReporter').then(m => {
        this.reporter = new m.TelemetryReporter(connectionString);
      });
    }
  }

  send(event: TelemetryEvent): void {
    this.logger.logUsage(event.name, telemetryProperties(event));
  }

  /** The events handed to the sender (after VS Code applied the user's telemetry level), newest last. */
  get recentlySent(): readonly SentTelemetry[] {
    return this.sent;
  }

  get usageEnabled(): boolean {
    return this.logger.isUsageEnabled;
  }

  dispose(): void {
    this.logger.dispose();
    void this.reporter?.dispose();
  }
}
