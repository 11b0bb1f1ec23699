import { DigestBatchSchema, PlanSliceSchema } from '../../functions/adapters/sqs/digest-queue';
import type { PlanSlice } from '../../functions/core/ports';
import { aDigestBatch, aPlannedPaper } from '../support/builders';

/** What the queue does to a message body: JSON out, JSON in. */
const throughJson = (body: unknown): unknown => JSON.parse(JSON.stringify(body));

/** A message as the previous version queued it: one digest shared by a group of readers. */
const previousShape = (overrides: Record<string, unknown> = {}) => ({
  digestDate: '2025-11-14',
  cadence: 'weekly',
  papers: [
    { paperId: '2511.00001', score: 0.9, why: [{ topic: 'RLHF', matched: ['RLHF'] }] },
    { paperId: '2511.00002', score: 0.6, why: [{ topic: 'RLHF', matched: ['DPO'], related: true }] },
  ],
  subscriberIds: ['reader-1', 'reader-2'],
  ...overrides,
});

describe('the send queue message', () => {
  it('carries each reader with their own picks and forgetDays through JSON and back unchanged', () => {
    const batch = aDigestBatch({
      papers: [aPlannedPaper('2511.00001'), aPlannedPaper('2511.00002', 'KV cache')],
      recipients: [
        { subscriberId: 'reader-1', picks: [1, 0], forgetDays: ['2025-11-05'] },
        { subscriberId: 'reader-2', cadence: 'weekly', picks: [1] },
      ],
    });

    expect(DigestBatchSchema.parse(throughJson(batch))).toEqual(batch);
  });

  it("carries the windows' paper counts, and still reads a message queued without them", () => {
    const batch = aDigestBatch({
      papers: [aPlannedPaper('2511.00001')],
      recipients: ['reader-1'],
      papersInWindow: { daily: 41, weekly: 180 },
    });
    const { papersInWindow: _, ...older } = batch;

    expect(DigestBatchSchema.parse(throughJson(batch))).toEqual(batch);
    expect(DigestBatchSchema.parse(throughJson(older))).toEqual(older);
    expect(() => DigestBatchSchema.parse({ ...batch, papersInWindow: { daily: -1, weekly: 3 } })).toThrow();
  });

  it('carries that a paper matched only through related terms, through JSON and back', () => {
    const batch = aDigestBatch({
      papers: [{ paperId: '2511.00001', why: [{ topic: 'RLHF', matched: ['DPO'], related: true }] }],
      recipients: ['reader-1'],
    });

    const read = DigestBatchSchema.parse(throughJson(batch));

    expect(read.papers[0].why).toEqual([{ topic: 'RLHF', matched: ['DPO'], related: true }]);
  });

  it('refuses a reason that is related but names no matched words', () => {
    const batch = aDigestBatch({
      papers: [{ paperId: '2511.00001', why: [{ topic: 'RLHF', matched: ['RLHF'] }] }],
      recipients: ['reader-1'],
    });

    expect(() =>
      DigestBatchSchema.parse({
        ...batch,
        papers: [{ ...batch.papers[0], why: [{ topic: 'RLHF', related: true }] }],
      }),
    ).toThrow();
  });

  it('refuses a reader who picks a paper the message does not carry, or picks none', () => {
    const batch = aDigestBatch({ papers: [aPlannedPaper('2511.00001')], recipients: ['reader-1'] });
    const withPicks = (picks: number[]) => ({
      ...batch,
      recipients: [{ ...batch.recipients[0], picks }],
    });

    expect(DigestBatchSchema.safeParse(withPicks([0])).success).toBe(true);
    expect(DigestBatchSchema.safeParse(withPicks([1])).success).toBe(false);
    expect(DigestBatchSchema.safeParse(withPicks([-1])).success).toBe(false);
    expect(DigestBatchSchema.safeParse(withPicks([])).success).toBe(false);
  });

  it('refuses a message without a run, readers or papers', () => {
    const batch = aDigestBatch({ papers: [aPlannedPaper('2511.00001')], recipients: ['reader-1'] });

    expect(DigestBatchSchema.safeParse({ ...batch, runId: '' }).success).toBe(false);
    expect(DigestBatchSchema.safeParse({ ...batch, recipients: [] }).success).toBe(false);
    expect(DigestBatchSchema.safeParse({ ...batch, papers: [], recipients: [] }).success).toBe(false);
    expect(DigestBatchSchema.safeParse({ ...batch, digestDate: '14/11/2025' }).success).toBe(false);
  });

  it('reads a message of the previous shape as one recipient per reader, each picking every paper in order', () => {
    const read = DigestBatchSchema.parse(throughJson(previousShape()));

    expect(read).toEqual({
      digestDate: '2025-11-14',
      runId: 'before-slices',
      papers: [
        { paperId: '2511.00001', why: [{ topic: 'RLHF', matched: ['RLHF'] }] },
        { paperId: '2511.00002', why: [{ topic: 'RLHF', matched: ['DPO'], related: true }] },
      ],
      recipients: [
        { subscriberId: 'reader-1', cadence: 'weekly', picks: [0, 1] },
        { subscriberId: 'reader-2', cadence: 'weekly', picks: [0, 1] },
      ],
    });
  });

  it('still reads a message of the previous shape queued before reasons could be related', () => {
    const body = previousShape({
      papers: [{ paperId: '2511.00001', score: 0.6, why: [{ topic: 'RLHF', matched: ['RLHF'] }] }],
    });

    expect(DigestBatchSchema.parse(throughJson(body)).papers[0].why).toEqual([
      { topic: 'RLHF', matched: ['RLHF'] },
    ]);
    expect(() =>
      DigestBatchSchema.parse(
        previousShape({
          papers: [{ paperId: '2511.00001', score: 0.6, why: [{ topic: 'RLHF', related: true }] }],
        }),
      ),
    ).toThrow();
  });

  it('refuses a message of the previous shape without readers or papers', () => {
    expect(DigestBatchSchema.safeParse(previousShape({ subscriberIds: [] })).success).toBe(false);
    expect(DigestBatchSchema.safeParse(previousShape({ papers: [] })).success).toBe(false);
    expect(DigestBatchSchema.safeParse(previousShape({ cadence: 'monthly' })).success).toBe(false);
  });
});

describe('the plan queue message', () => {
  const slice: PlanSlice = {
    digestDate: '2025-11-14',
    runId: '2025-11-14T06:00:00.000Z',
    segment: 2,
    totalSegments: 4,
  };

  it('carries a slice and its cursor through JSON and back unchanged', () => {
    const continued = { ...slice, cursor: { pk: 'SUBSCRIBER#abc', sk: 'PROFILE', offset: 7 } };

    expect(PlanSliceSchema.parse(throughJson(slice))).toEqual(slice);
    expect(PlanSliceSchema.parse(throughJson(continued))).toEqual(continued);
  });

  it('refuses a segment outside its run, or a slice without a run', () => {
    expect(PlanSliceSchema.safeParse({ ...slice, segment: 4 }).success).toBe(false);
    expect(PlanSliceSchema.safeParse({ ...slice, segment: -1 }).success).toBe(false);
    expect(PlanSliceSchema.safeParse({ ...slice, totalSegments: 0, segment: 0 }).success).toBe(false);
    expect(PlanSliceSchema.safeParse({ ...slice, runId: '' }).success).toBe(false);
    expect(PlanSliceSchema.safeParse({ ...slice, cursor: 'page-2' }).success).toBe(false);
  });
});
