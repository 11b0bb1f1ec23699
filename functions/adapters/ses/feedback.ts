import { z } from 'zod';
import { CLAIM_TAG } from '../../core/digests/settle-claims';
import type { Feedback } from '../../core/subscribers/feedback';

/**
 * The SNS message SES publishes for a configuration-set event (event publishing; `eventType`) or an
 * identity notification (`notificationType`). Only the fields read below; SES may add others.
 */
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
        /** `Permanent`, `Transient` or `Undetermined`. */
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(
          z
            .object({
              emailAddress: z.string(),
              /** The enhanced status code (RFC 3463), e.g. `5.1.1`, when the DSN had one. */
              status: z.string().optional(),
              diagnosticCode: z.string().optional(),
            })
            .passthrough(),
        ),
        timestamp: z.string().optional(),
      })
      .passthrough()
      .optional(),
    complaint: z
      .object({
        complainedRecipients: z.array(z.object({ emailAddress: z.string() }).passthrough()),
        /** The ISP's Feedback-Type (RFC 5965): `abuse`, `fraud`, `not-spam`, …; often absent. */
        complaintFeedbackType: z.string().optional(),
        timestamp: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type SesEventMessage = z.infer<typeof SesEventMessageSchema>;

/** One SES notification as paperboy acts on it. */
export type SesNotification =
  | { type: 'feedback'; items: Feedback[] }
  /** SES accepted a message carrying a digest's claim tag. */
  | { type: 'send'; tag: string; messageId: string }
  | { type: 'ignored'; reason: string };

/**
 * Enhanced status codes (RFC 3463: class.subject.detail) that say the address itself cannot take
 * mail: X.1.x addressing (no such mailbox or domain, bad syntax, moved), X.2.1 mailbox disabled, X.4.4
 * no route to the domain. Other permanent codes are
 * about the message or the sender (X.2.2 mailbox full, X.3.4 too big, X.6 content, X.7 policy and spam
 * blocks): the address may take the next digest, so those stay soft and count toward the soft limit.
 */
const ADDRESS_IS_GONE = /^5\.(1\.\d{1,3}|2\.1|4\.4)$/;
const ENHANCED_STATUS = /\b([245]\.\d{1,3}\.\d{1,3})\b/;

/**
 * How one recipient of a bounce counts. SES's `Permanent` is hard. `Transient` (General, MailboxFull,
 * MessageTooLarge, ContentRejected, AttachmentRejected) and `Undetermined` are soft, unless the
 * receiving server's own status code for that recipient says the address is gone: SES files some of
 * those as transient (a General bounce with "550 5.1.1 user unknown"). A full mailbox stays soft
 * whatever its code: RFC 3463 lets X.2.2 stand for a lasting or a passing state, and its owner exists.
 */
export function bounceKind(
  bounceType: string,
  bounceSubType: string | undefined,
  recipient: { status?: string; diagnosticCode?: string },
): 'hard-bounce' | 'soft-bounce' {
  if (bounceType === 'Permanent') return 'hard-bounce';
  if (bounceSubType === 'MailboxFull') return 'soft-bounce';
  const code =
    recipient.status?.match(ENHANCED_STATUS)?.[1] ?? recipient.diagnosticCode?.match(ENHANCED_STATUS)?.[1];
  return code && ADDRESS_IS_GONE.test(code) ? 'hard-bounce' : 'soft-bounce';
}

/** A parseable timestamp from SES, else the time SNS stamped the message with. */
const timeOf = (timestamp: string | undefined, receivedAt: string): string =>
  timestamp && Number.isFinite(Date.parse(timestamp)) ? new Date(timestamp).toISOString() : receivedAt;

/**
 * Reads one SES event or notification (the SNS message body) into what paperboy acts on: feedback per
 * recipient, the Send event of a digest, or nothing. `receivedAt` (the SNS timestamp) dates feedback
 * SES sent without a time of its own. Throws when the message is not SES's shape.
 */
export function parseSesNotification(body: string, receivedAt: string): SesNotification {
  const message = SesEventMessageSchema.parse(JSON.parse(body));
  const type = message.eventType ?? message.notificationType;
  if (type === 'Send') {
    const tag = message.mail.tags?.[CLAIM_TAG]?.[0];
    const messageId = message.mail.messageId;
    return tag && messageId
      ? { type: 'send', tag, messageId }
      : { type: 'ignored', reason: 'send without claim' };
  }
  const items = feedbackOf(type, message, receivedAt);
  return items.length > 0 ? { type: 'feedback', items } : { type: 'ignored', reason: type ?? 'no type' };
}

function feedbackOf(type: string | undefined, message: SesEventMessage, receivedAt: string): Feedback[] {
  switch (type) {
    case 'Bounce':
      return bounces(message, receivedAt);
    case 'Complaint':
      return complaints(message, receivedAt);
    default:
      // Delivery, Open, Click, Reject, DeliveryDelay, …: nothing to act on.
      return [];
  }
}

function bounces({ bounce }: SesEventMessage, receivedAt: string): Feedback[] {
  if (!bounce) return [];
  const at = timeOf(bounce.timestamp, receivedAt);
  return bounce.bouncedRecipients.map((recipient) => ({
    kind: bounceKind(bounce.bounceType, bounce.bounceSubType, recipient),
    email: recipient.emailAddress,
    detail: recipient.diagnosticCode,
    at,
  }));
}

/**
 * Every complaint counts but `not-spam`, which RFC 5965 defines as the opposite: the reporter does not
 * consider the message spam (correcting an earlier report).
 */
function complaints({ complaint }: SesEventMessage, receivedAt: string): Feedback[] {
  if (!complaint || complaint.complaintFeedbackType === 'not-spam') return [];
  const at = timeOf(complaint.timestamp, receivedAt);
  return complaint.complainedRecipients.map((recipient) => ({
    kind: 'complaint' as const,
    email: recipient.emailAddress,
    detail: complaint.complaintFeedbackType,
    at,
  }));
}
