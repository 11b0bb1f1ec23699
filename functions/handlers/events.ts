import { z } from 'zod';
import { isValidDay } from '../core/dates';

const Day = z.string().refine(isValidDay, 'must be a real date as YYYY-MM-DD');

/** EventBridge Scheduler's context attributes, sent as the event by the schedules (<aws.scheduler.scheduled-time>). */
const scheduled = { scheduledTime: z.string().datetime({ offset: true }).optional() };

/**
 * Input of the scheduled functions. EventBridge Scheduler passes the target's fixed input as
 * the event; an empty object (or the Scheduler's default `{}`) means "today".
 */
export const IngestEventSchema = z
  .object({
    date: Day.optional(),
    since: Day.optional(),
    days: z.array(Day).max(400).optional(),
    ...scheduled,
  })
  .passthrough()
  .refine((input) => !input.since || Date.now() - Date.parse(input.since) <= 400 * 86_400_000, {
    message: 'backfills reach back at most 400 days',
    path: ['since'],
  });

export const PlanEventSchema = z
  .object({ date: Day.optional(), dryRun: z.boolean().optional(), ...scheduled })
  .passthrough();

/**
 * The operator's settle-claims invocation (`aws lambda invoke`): the day to look at, and whether to give
 * its stuck claims back (`force` also while a run of the day may still be sending).
 */
export const SettleClaimsEventSchema = z
  .object({ date: Day, release: z.boolean().optional(), force: z.boolean().optional() })
  .strict()
  .refine((event) => !event.force || event.release, {
    message: 'force only goes with release',
    path: ['force'],
  });

/** The SNS message SES publishes for an event: read by the SES adapter, which maps it for the core. */
export { SesEventMessageSchema, type SesEventMessage } from '../adapters/ses/feedback';
