import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { redactingReplacer } from './redact';

/** `service` in every log line and metric dimension (POWERTOOLS_SERVICE_NAME overrides it). */
export const SERVICE_NAME = 'paperboy';
/** CloudWatch namespace of paperboy's metrics (POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = 'paperboy';

/** The business metrics; dashboards and alarms refer to these names. */
export const EmailMetric = {
  Sent: 'EmailsSent',
  Skipped: 'EmailsSkipped',
  Failed: 'EmailsFailed',
  Bounced: 'EmailsBounced',
  Complained: 'EmailsComplained',
} as const;
export type EmailMetricName = (typeof EmailMetric)[keyof typeof EmailMetric];

/**
 * A Powertools Logger writing structured JSON with email addresses redacted. It satisfies the core's
 * `Logger` port (`info|warn|error(message, extra)`).
 */
export function createLogger(
  options: { serviceName?: string; logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' } = {},
): Logger {
  return new Logger({
    serviceName: options.serviceName ?? SERVICE_NAME,
    logLevel: options.logLevel,
    jsonReplacerFn: redactingReplacer,
  });
}

export function createMetrics(options: { namespace?: string; serviceName?: string } = {}): Metrics {
  return new Metrics({
    namespace: options.namespace ?? METRICS_NAMESPACE,
    serviceName: options.serviceName ?? SERVICE_NAME,
  });
}

/** One logger and one metrics buffer per Lambda container. */
export const logger = createLogger();
export const metrics = createMetrics();

/** Counts emails by outcome; zero counts are not recorded. */
export function countEmails(name: EmailMetricName, count = 1, target: Metrics = metrics): void {
  if (count > 0) target.addMetric(name, MetricUnit.Count, count);
}

/**
 * Wraps a handler: adds the Lambda context to the log lines and always flushes the metrics buffer
 * (EMF lines on stdout), also when the handler throws. No ColdStart metric: every custom metric costs
 * $0.30 a month per function while emitted, and cold starts are already in the REPORT log line
 * ("Init Duration").
 */
export function instrumented<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  deps: { logger?: Logger; metrics?: Metrics } = {},
): (event: E, context: Context) => Promise<R> {
  const log = deps.logger ?? logger;
  const meter = deps.metrics ?? metrics;
  return async (event, context) => {
    log.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      meter.publishStoredMetrics();
    }
  };
}
