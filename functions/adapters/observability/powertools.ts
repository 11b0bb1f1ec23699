import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import {
  EmailMetric,
  METRICS_NAMESPACE,
  RunMetric,
  SERVICE_NAME,
  type EmailMetricName,
  type RunMetricName,
} from './metric-names';
import { redactingReplacer } from './redact';

export { EmailMetric, METRICS_NAMESPACE, RunMetric, SERVICE_NAME, type EmailMetricName, type RunMetricName };

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

/** Records a run figure, zero included (see RunMetric). */
export function recordRunFigure(name: RunMetricName, count: number, target: Metrics = metrics): void {
  target.addMetric(name, MetricUnit.Count, count);
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
