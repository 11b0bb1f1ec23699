/**
 * Infrastructure cost per 1,000 emails from what a run measurably does, priced with AWS's public
 * on-demand prices for us-east-1 as listed on 2026-12-01 (Lambda arm64, SQS standard, DynamoDB
 * on-demand after the November 2024 price cut). SES itself is $0.10 per 1,000 emails, apart.
 */

export const PRICES = {
  lambdaGbSecond: 0.0000133334, // arm64
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoGbMonth: 0.25,
} as const;

/** Sizes that set the units: a reader item with ~8 days of history is ~1.5 KB; a delivery record ~0.3 KB. */
const READER_ITEM_KB = 1.5;
const RECORD_KB = 0.3;
const RECORD_RETENTION_MONTHS = 4; // DELIVERY_RETENTION_DAYS = 120
/** An SES SendEmail call's round trip, which a sender's Lambda is billed for while it waits. */
const SES_CALL_SECONDS = 0.05;
const SEND_MEMORY_GB = 1;
const PLAN_MEMORY_GB = 1;

export function costPer1000Emails(input: {
  planSecondsPerReader: number;
  renderSecondsPerEmail: number;
  /** UpdateItems of the shared send-rate budget per email (small item: one write unit each). */
  limiterRequestsPerEmail: number;
  readersPerMessage: number;
}): { items: Record<string, number>; total: number } {
  const emails = 1000;
  const messages = emails / input.readersPerMessage;
  const items = {
    'Lambda plan-slice (GB-s)': emails * input.planSecondsPerReader * PLAN_MEMORY_GB * PRICES.lambdaGbSecond,
    'Lambda send-digests (GB-s, waiting on SES included)':
      emails * (input.renderSecondsPerEmail + SES_CALL_SECONDS) * SEND_MEMORY_GB * PRICES.lambdaGbSecond +
      messages * PRICES.lambdaRequest,
    'SQS (send, receive, delete per message)': messages * 3 * PRICES.sqsRequest,
    // The claim rewrites the reader's item (units by its size); the record is one small item.
    'DynamoDB writes (claim + record)':
      emails * (Math.ceil(READER_ITEM_KB) + Math.ceil(RECORD_KB)) * PRICES.dynamoWriteUnit,
    // The scan reads each reader item once, eventually consistent: half a unit per 4 KB.
    'DynamoDB send-rate leases': emails * input.limiterRequestsPerEmail * PRICES.dynamoWriteUnit,
    'DynamoDB reads (scan share, papers per message)':
      (emails * (READER_ITEM_KB / 4) * 0.5 + messages * 30 * 0.5) * PRICES.dynamoReadUnit,
    'DynamoDB storage of the records (4 months)':
      ((emails * RECORD_KB) / 1024 / 1024) * RECORD_RETENTION_MONTHS * PRICES.dynamoGbMonth,
  };
  return { items, total: Object.values(items).reduce((sum, usd) => sum + usd, 0) };
}
