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

/** The SNS message SES publishes for an event: read by the SES adapter, which maps it for the core. */
export { SesEventMessageSchema, type SesEventMessage } from '../adapters/ses/feedback';
