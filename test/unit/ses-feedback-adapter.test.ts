import type { SNSEvent } from 'aws-lambda';
import { bounceKind, parseSesNotification } from '../../functions/adapters/ses/feedback';
import {
  sesBounceEvent,
  sesComplaintEvent,
  sesDeliveryEvent,
  sesSendEvent,
  type SesBounceOptions,
} from '../fixtures/events';

const READER = 'reader@example.com';
const RECEIVED_AT = '2026-11-28T08:01:03.000Z';

/** The adapter's reading of the one SES message an SNS event carries. */
const read = (event: SNSEvent) => parseSesNotification(event.Records[0].Sns.Message, RECEIVED_AT);
const kindOf = (options: SesBounceOptions) => {
  const notification = read(sesBounceEvent(READER, options));
  return notification.type === 'feedback' ? notification.items.map((item) => item.kind) : notification;
};

describe('parseSesNotification (SES event → typed feedback)', () => {
  it('reads a permanent bounce as a hard bounce of that recipient, with the diagnostic and SES time', () => {
    expect(read(sesBounceEvent(READER))).toEqual({
      type: 'feedback',
      items: [
        {
          kind: 'hard-bounce',
          email: READER,
          detail: 'smtp; 550 5.1.1 user unknown',
          at: '2026-11-28T08:01:02.000Z',
        },
      ],
    });
  });

  it('reads a full mailbox (Transient, 4.2.2) as a soft bounce', () => {
    expect(read(sesBounceEvent(READER, 'Transient'))).toEqual({
      type: 'feedback',
      items: [
        {
          kind: 'soft-bounce',
          email: READER,
          detail: 'smtp; 452 4.2.2 mailbox full',
          at: '2026-11-28T08:01:02.000Z',
        },
      ],
    });
  });

  it.each([
    ['a 5.1.1 status (no such user)', { status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    [
      'a 5.1.1 in the diagnostic only',
      { status: undefined, diagnosticCode: 'smtp; 550 5.1.1 <x>: no such user' },
    ],
    ['a 5.1.2 status (no such domain)', { status: '5.1.2', diagnosticCode: 'smtp; 550 5.1.2 bad domain' }],
    ['a 5.1.10 status (null MX)', { status: '5.1.10', diagnosticCode: 'smtp; 556 5.1.10 null MX' }],
    ['a 5.2.1 status (mailbox disabled)', { status: '5.2.1', diagnosticCode: 'smtp; 550 5.2.1 disabled' }],
    [
      'a 5.4.4 status (no route to the domain)',
      { status: '5.4.4', diagnosticCode: 'smtp; 550 5.4.4 unrouteable' },
    ],
  ])('counts a Transient bounce with %s as hard: the address itself is gone', (_, codes) => {
    expect(kindOf({ bounceType: 'Transient', bounceSubType: 'General', ...codes })).toEqual(['hard-bounce']);
  });

  it.each([
    ['General, 4.4.7 (delivery timed out)', 'General', '4.4.7', 'smtp; 450 4.4.7 timed out'],
    ['General, 5.2.2 (over quota)', 'General', '5.2.2', 'smtp; 552 5.2.2 over quota'],
    ['MessageTooLarge, 5.3.4', 'MessageTooLarge', '5.3.4', 'smtp; 552 5.3.4 message too big'],
    ['ContentRejected, 5.7.1 (spam block)', 'ContentRejected', '5.7.1', 'smtp; 550 5.7.1 rejected as spam'],
    ['AttachmentRejected, 5.6.0', 'AttachmentRejected', '5.6.0', 'smtp; 554 5.6.0 attachment refused'],
    ['MailboxFull even with a 5.1.1', 'MailboxFull', '5.1.1', 'smtp; 550 5.1.1 mailbox full'],
    ['General with no code at all', 'General', undefined, undefined],
  ])(
    'keeps a Transient bounce soft for %s: the address may take the next mail',
    (_, subType, status, diagnostic) => {
      expect(
        kindOf({ bounceType: 'Transient', bounceSubType: subType, status, diagnosticCode: diagnostic }),
      ).toEqual(['soft-bounce']);
    },
  );

  it('reads an Undetermined bounce as soft, unless its code says the address is gone', () => {
    const undetermined = { bounceType: 'Undetermined', bounceSubType: 'Undetermined' } as const;

    expect(kindOf({ ...undetermined, status: undefined, diagnosticCode: undefined })).toEqual([
      'soft-bounce',
    ]);
    expect(kindOf({ ...undetermined, status: '5.1.1' })).toEqual(['hard-bounce']);
  });

  it('counts a Permanent bounce as hard whatever its code', () => {
    expect(kindOf({ bounceSubType: 'OnAccountSuppressionList', status: '5.2.2' })).toEqual(['hard-bounce']);
  });

  it('classes each recipient of one bounce by its own code', () => {
    const message = {
      eventType: 'Bounce',
      mail: { messageId: 'm-1', destination: ['gone@example.com', 'full@example.com'] },
      bounce: {
        bounceType: 'Transient',
        bounceSubType: 'General',
        timestamp: '2026-11-28T08:01:02.000Z',
        bouncedRecipients: [
          { emailAddress: 'gone@example.com', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 unknown' },
          { emailAddress: 'full@example.com', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 full' },
        ],
      },
    };

    const notification = parseSesNotification(JSON.stringify(message), RECEIVED_AT);

    expect(notification.type === 'feedback' && notification.items).toEqual([
      expect.objectContaining({ kind: 'hard-bounce', email: 'gone@example.com' }),
      expect.objectContaining({ kind: 'soft-bounce', email: 'full@example.com' }),
    ]);
  });

  it('dates feedback by the SNS message when SES gave no usable time', () => {
    const undated = read(sesBounceEvent(READER, { bounceType: 'Transient', timestamp: 'not a time' }));

    expect(undated.type === 'feedback' && undated.items[0].at).toBe(RECEIVED_AT);
  });

  it('reads a complaint as a complaint with its feedback type, also when the ISP gave none', () => {
    expect(read(sesComplaintEvent(READER))).toEqual({
      type: 'feedback',
      items: [{ kind: 'complaint', email: READER, detail: 'abuse', at: '2026-11-28T09:00:00.000Z' }],
    });
    const untyped = JSON.parse(sesComplaintEvent(READER).Records[0].Sns.Message);
    delete untyped.complaint.complaintFeedbackType;
    expect(parseSesNotification(JSON.stringify(untyped), RECEIVED_AT)).toMatchObject({
      type: 'feedback',
      items: [{ kind: 'complaint', email: READER }],
    });
  });

  it('ignores a not-spam report (RFC 5965: the reporter says the mail is not spam)', () => {
    expect(read(sesComplaintEvent(READER, { feedbackType: 'not-spam' }))).toMatchObject({ type: 'ignored' });
  });

  it('reads a Send event with a claim tag as the send of that digest, and one without as nothing', () => {
    expect(read(sesSendEvent(READER, { claim: 'subscriber-0001_2026-11-28', messageId: 'ses-1' }))).toEqual({
      type: 'send',
      tag: 'subscriber-0001_2026-11-28',
      messageId: 'ses-1',
    });
    expect(read(sesSendEvent(READER))).toMatchObject({ type: 'ignored' });
  });

  it('ignores deliveries and a bounce with no recipients', () => {
    const empty = JSON.parse(sesBounceEvent(READER).Records[0].Sns.Message);
    empty.bounce.bouncedRecipients = [];

    expect(read(sesDeliveryEvent(READER))).toMatchObject({ type: 'ignored' });
    expect(parseSesNotification(JSON.stringify(empty), RECEIVED_AT)).toMatchObject({ type: 'ignored' });
  });

  it('throws on a message that is not SES’s shape', () => {
    expect(() => parseSesNotification('{}', RECEIVED_AT)).toThrow();
    expect(() => parseSesNotification('not json', RECEIVED_AT)).toThrow();
  });
});

describe('bounceKind', () => {
  it('reads the status field before the diagnostic text', () => {
    expect(
      bounceKind('Transient', 'General', { status: '4.2.2', diagnosticCode: 'smtp; 550 5.1.1 see 4.2.2' }),
    ).toBe('soft-bounce');
  });
});
