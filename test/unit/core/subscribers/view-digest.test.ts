import { viewToken } from '@functions/core/subscribers/link-access';
import { aPaper, aSubscriber } from '@support/builders';
import { InMemoryPaperRepository, InMemorySubscriberRepository } from '@support/in-memory-ports';
import { inMemorySubscriptionService, rejection } from '@support/subscription-service';

const first = aPaper({
  title: 'First  Paper',
  aiSummary: 'It comes first.',
  githubRepo: 'https://github.com/a/b',
});
const second = aPaper({ title: 'Second Paper', authors: [] });
const DAY = '2025-11-12';

function aDigest() {
  const reader = aSubscriber({ ratings: { liked: [second.id], disliked: [] } });
  const built = inMemorySubscriptionService({
    subscribers: new InMemorySubscriberRepository().seed(reader),
    papers: new InMemoryPaperRepository([first, second]),
  });
  const view = (day = DAY) => viewToken(built.tokens, reader, day);
  return { ...built, reader, view };
}

describe('the hosted digest (core/subscribers/view-digest.ts)', () => {
  it('shows the papers the delivery record says the email had, in its order, as the email shows them', async () => {
    const { service, deliveries, reader, view } = aDigest();
    await deliveries.recordSent([
      { subscriberId: reader.id, digestDate: DAY, paperIds: [second.id, first.id], messageId: 'm-1' },
    ]);

    const digest = await service.viewDigest(view());

    expect(digest.sent).toBe(true);
    if (!digest.sent) return;
    expect(digest.digestDate).toBe(DAY);
    expect(digest.cadence).toBe('daily');
    expect(digest.papers.map((paper) => paper.id)).toEqual([second.id, first.id]);
    expect(digest.papers[1]).toMatchObject({
      title: 'First Paper',
      url: `https://huggingface.co/papers/${first.id}`,
      authorsLine: 'Ada Lovelace and Alan Turing',
      summary: 'It comes first.',
      arxivUrl: `https://arxiv.org/abs/${first.id}`,
      pdfUrl: `https://arxiv.org/pdf/${first.id}`,
      githubUrl: 'https://github.com/a/b',
      rated: 'none',
    });
    expect(digest.papers[0]).toMatchObject({ authorsLine: '', rated: 'more' });
  });

  it('gives each paper the reader’s own rating link for that paper', async () => {
    const { service, deliveries, subscribers, reader, view } = aDigest();
    await deliveries.recordSent([
      { subscriberId: reader.id, digestDate: DAY, paperIds: [first.id], messageId: 'm-1' },
    ]);
    const digest = await service.viewDigest(view());
    if (!digest.sent) throw new Error('expected the digest');

    const rated = await service.ratePaper({ token: digest.papers[0].ratingToken, verdict: 'less' });

    expect(rated.paper.id).toBe(first.id);
    expect((await subscribers.get(reader.id))?.ratings?.disliked).toEqual([first.id]);
  });

  it('says a digest of that day was never sent (no delivery record), naming the day', async () => {
    const { service, view, subscribers, reader } = aDigest();
    // A claim on the reader's history is not a sent digest.
    subscribers.updateHistory(reader.id, (stored) => ({ ...stored, digestHistory: { [DAY]: [first.id] } }));

    expect(await service.viewDigest(view())).toEqual({ digestDate: DAY, sent: false });
  });

  it('opens with a view link only, and dies with the reader’s other links', async () => {
    const { service, reader, tokenFor, view } = aDigest();

    expect(await rejection(service.viewDigest(tokenFor(reader, 'manage')))).toBe('token_wrong_purpose');
    expect(await rejection(service.viewDigest(`${view()}x`))).toBe('token_invalid');
    expect(await rejection(service.viewDigest(view('2025-13-40')))).toBe('token_invalid');
    await service.renewLinks(tokenFor(reader, 'manage'));
    expect(await rejection(service.viewDigest(view()))).toBe('token_revoked');
  });
});
