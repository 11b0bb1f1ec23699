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

/** The SNS message SES publishes for a configuration-set event (event publishing). */
export const SesEventMessageSchema = z
  .object({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    mail: z
      .object({
        messageId: z.string().optional(),
        destination: z.array(z.string()).optional(),
        /** The message's tags, SES's own (`ses:…`) and those sent with it, each name with its values. */
        tags: z.record(z.string(), z.array(z.string())).optional(),
      })
      .passthrough(),
    /** `eventType: 'Send'`: SES accepted the message (the object itself is empty). */
    send: z.object({}).passthrough().optional(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(
          z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional() }).passthrough(),
        ),
      })
      .passthrough()
      .optional(),
    complaint: z
      .object({
        complainedRecipients: z.array(z.object({ emailAddress: z.string() }).passthrough()),
        complaintFeedbackType: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type SesEventMessage = z.infer<typeof SesEventMessageSchema>;
