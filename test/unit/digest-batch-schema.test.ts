import { DigestBatchSchema } from '../../functions/adapters/sqs/digest-queue';
import { aDigestBatch } from '../support/builders';

describe('the send queue message', () => {
  it('carries that a paper matched only through related terms, through JSON and back', () => {
    const batch = aDigestBatch({
      papers: [
        { paperId: '2511.00001', score: 0.6, why: [{ topic: 'RLHF', matched: ['DPO'], related: true }] },
      ],
      subscriberIds: ['reader-1'],
    });

    const read = DigestBatchSchema.parse(JSON.parse(JSON.stringify(batch)));

    expect(read.papers[0].why).toEqual([{ topic: 'RLHF', matched: ['DPO'], related: true }]);
  });

  it('still reads a message queued before reasons could be related', () => {
    const batch = aDigestBatch({
      papers: [{ paperId: '2511.00001', score: 0.6, why: [{ topic: 'RLHF', matched: ['RLHF'] }] }],
      subscriberIds: ['reader-1'],
    });

    expect(DigestBatchSchema.parse(JSON.parse(JSON.stringify(batch))).papers[0].why).toEqual([
      { topic: 'RLHF', matched: ['RLHF'] },
    ]);
    expect(() =>
      DigestBatchSchema.parse({
        ...batch,
        papers: [{ ...batch.papers[0], why: [{ topic: 'RLHF', related: true }] }],
      }),
    ).toThrow();
  });
});
