/**
 * The names paperboy's metrics are published under: shared by the functions that emit them and the
 * alarms and dashboard (infra/aws) that read them. No Powertools import, so synth loads nothing else.
 */

/** `service` in every log line and metric dimension (POWERTOOLS_SERVICE_NAME overrides it). */
export const SERVICE_NAME = 'paperboy';
/** CloudWatch namespace of paperboy's metrics (POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = 'paperboy';

/** The business metrics; dashboards and alarms (infra/aws) refer to these names. */
export const EmailMetric = {
  Sent: 'EmailsSent',
  Skipped: 'EmailsSkipped',
  /** Certainly not sent after the last retry. */
  Failed: 'EmailsFailed',
  /** SES timed out or failed after it may have accepted the mail: not retried (at most once). */
  Uncertain: 'EmailsUncertain',
  Bounced: 'EmailsBounced',
  /** Transient bounces: recorded on the reader, suppressed only when they repeat (core/subscribers/feedback.ts). */
  SoftBounced: 'EmailsSoftBounced',
  Complained: 'EmailsComplained',
} as const;
export type EmailMetricName = (typeof EmailMetric)[keyof typeof EmailMetric];

/**
 * What the daily run did, recorded also when it is zero (QuotaShortfall only when it happens): a day with no papers accepted or no digest
 * planned is exactly what an alarm must see (a missing datapoint is treated as breaching too).
 */
export const RunMetric = {
  /** Papers that passed validation in an ingest run (new, changed or unchanged). */
  PapersAccepted: 'PapersAccepted',
  /** Items of the Daily Papers answer that failed validation. */
  PapersRejected: 'PapersRejected',
  /** Digest runs started (one per scheduled day). */
  DigestRunsStarted: 'DigestRunsStarted',
  /** Readers with a digest in a planned slice. */
  DigestsPlanned: 'DigestsPlanned',
  /** 1 for each slice that finds its run's digests past what was left of the SES 24-hour quota. */
  QuotaShortfall: 'QuotaShortfall',
  /**
   * 1 for each send message stopped early, only when it happens: SES refused the account's mail
   * (sending paused, account suspended, ...) several times in a row, so the rest waits for the retry.
   */
  SendingRefused: 'SendingRefused',
} as const;
export type RunMetricName = (typeof RunMetric)[keyof typeof RunMetric];
