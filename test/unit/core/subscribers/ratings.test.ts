import { ValidationError } from '@functions/core/errors';
import { parseArxivReference } from '@functions/core/papers';
import { MAX_RATINGS_KEPT, withVerdict } from '@functions/core/subscribers/ratings';
import { ratingToken } from '@functions/core/subscribers/link-access';
import { aPaper, aSubscriber } from '@support/builders';
import { InMemoryPaperRepository, InMemorySubscriberRepository } from '@support/in-memory-ports';
import { inMemorySubscriptionService, rejection } from '@support/subscription-service';

const liked = aPaper({ title: 'Speculative Decoding  with Draft Heads' });
const other = aPaper({ title: 'A Paper on Something Else' });

function setup(...readers: ReturnType<typeof aSubscriber>[]) {
  const subscribers = new InMemorySubscriberRepository().seed(...readers);
  const papers = new InMemoryPaperRepository([liked, other]);
  const built = inMemorySubscriptionService({ subscribers, papers });
  return {
    ...built,
    rateLink: (reader: (typeof readers)[0], id: string) => ratingToken(built.tokens, reader, id),
  };
}

describe('rating a paper from its link (signed for one reader and one paper)', () => {
  it('opens on the paper and records nothing until the reader chooses', async () => {
    const reader = aSubscriber();
    const { service, subscribers, rateLink } = setup(reader);

    const page = await service.ratingLinkPaper(rateLink(reader, liked.id));

    expect(page).toEqual({
      paper: {
        id: liked.id,
        title: 'Speculative Decoding with Draft Heads',
        url: `https://huggingface.co/papers/${liked.id}`,
      },
      verdict: 'none',
    });
    expect((await subscribers.get(reader.id))?.ratings).toBeUndefined();
  });

  it('"more like this" and "not for me" move the paper between the lists; "none" takes it back', async () => {
    const reader = aSubscriber();
    const { service, subscribers, rateLink } = setup(reader);
    const token = rateLink(reader, liked.id);

    expect(await service.ratePaper({ token, verdict: 'more' })).toMatchObject({ verdict: 'more' });
    expect((await subscribers.get(reader.id))?.ratings).toEqual({ liked: [liked.id], disliked: [] });
    expect((await service.ratingLinkPaper(token)).verdict).toBe('more');

    await service.ratePaper({ token, verdict: 'less' });
    expect((await subscribers.get(reader.id))?.ratings).toEqual({ liked: [], disliked: [liked.id] });

    await service.ratePaper({ token, verdict: 'none' });
    expect((await subscribers.get(reader.id))?.ratings).toEqual({ liked: [], disliked: [] });
  });

  it('the same verdict twice saves once (a double click, a retried request)', async () => {
    const reader = aSubscriber();
    const { service, subscribers, rateLink } = setup(reader);
    const token = rateLink(reader, liked.id);

    await service.ratePaper({ token, verdict: 'more' });
    const saved = await subscribers.get(reader.id);
    await service.ratePaper({ token, verdict: 'more' });

    expect((await subscribers.get(reader.id))?.updatedAt).toBe(saved?.updatedAt);
  });

  it('a rating link rates its own paper only, and only for its reader', async () => {
    const reader = aSubscriber();
    const someoneElse = aSubscriber();
    const { service, subscribers, rateLink } = setup(reader, someoneElse);
    const token = rateLink(reader, liked.id);

    expect(await rejection(service.ratePaper({ token, verdict: 'more', paper: other.id }))).toBe(
      'ValidationError',
    );
    await service.ratePaper({ token, verdict: 'more', paper: liked.id });

    expect((await subscribers.get(reader.id))?.ratings?.liked).toEqual([liked.id]);
    expect((await subscribers.get(someoneElse.id))?.ratings).toBeUndefined();
  });

  it('refuses a verdict it does not know, naming the ones it takes, and saves nothing', async () => {
    const reader = aSubscriber();
    const { service, subscribers, rateLink } = setup(reader);

    const error = await service
      .ratePaper({ token: rateLink(reader, liked.id), verdict: 'love it' })
      .catch((caught) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('verdict: must be "more", "less" or "none"');
    expect(await subscribers.get(reader.id)).toEqual(reader);
  });
});

describe('rating with the manage link (the preferences page and its preview)', () => {
  it('rates the paper the request names, given as an id or a link', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(reader);
    const manage = tokenFor(reader, 'manage');

    await service.ratePaper({ token: manage, verdict: 'more', paper: `https://arxiv.org/abs/${liked.id}v2` });
    await service.ratePaper({ token: manage, verdict: 'less', paper: other.id });

    expect((await subscribers.get(reader.id))?.ratings).toEqual({ liked: [liked.id], disliked: [other.id] });
  });

  it('needs the paper named, as an arXiv id', async () => {
    const reader = aSubscriber();
    const { service, tokenFor } = setup(reader);
    const manage = tokenFor(reader, 'manage');

    await expect(service.ratePaper({ token: manage, verdict: 'more' })).rejects.toThrow(
      'paper: the arXiv id of the paper to rate is required',
    );
    await expect(service.ratePaper({ token: manage, verdict: 'more', paper: 'not a paper' })).rejects.toThrow(
      'paper: must be an arXiv id (like 2510.01234)',
    );
  });

  it('the preferences page lists what was rated, with titles, newest first, for the undo', async () => {
    const reader = aSubscriber({ ratings: { liked: [other.id, liked.id], disliked: ['2401.00001'] } });
    const { service, tokenFor } = setup(reader);

    const view = await service.getPreferences(tokenFor(reader, 'manage'));

    expect(view.ratings.map(({ id, title, verdict }) => [id, title, verdict])).toEqual([
      [liked.id, 'Speculative Decoding with Draft Heads', 'more'],
      [other.id, other.title, 'more'],
      // A paper paperboy no longer holds is named by its id.
      ['2401.00001', '2401.00001', 'less'],
    ]);
  });

  it('a rating is in the export and goes with the data', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(reader);
    const manage = tokenFor(reader, 'manage');
    await service.ratePaper({ token: manage, verdict: 'more', paper: liked.id });

    expect((await service.exportData(manage)).subscriber.ratings).toEqual({
      liked: [liked.id],
      disliked: [],
    });
    await service.deleteData(manage);
    expect(await subscribers.get(reader.id)).toBeUndefined();
  });
});

describe('the ratings kept', () => {
  it(`keep the newest ${MAX_RATINGS_KEPT} of each list`, () => {
    const many = Array.from(
      { length: MAX_RATINGS_KEPT },
      (_, index) => `2501.${String(index).padStart(5, '0')}`,
    );

    const ratings = withVerdict({ liked: many, disliked: [] }, '2502.00001', 'more');

    expect(ratings.liked).toHaveLength(MAX_RATINGS_KEPT);
    expect(ratings.liked[0]).toBe(many[1]);
    expect(ratings.liked[MAX_RATINGS_KEPT - 1]).toBe('2502.00001');
  });
});

describe('example papers ("papers like these")', () => {
  it.each([
    ['2510.01234', '2510.01234'],
    ['arXiv:2510.01234v3', '2510.01234'],
    ['https://arxiv.org/abs/2510.01234v2', '2510.01234'],
    ['https://arxiv.org/pdf/2510.01234.pdf', '2510.01234'],
    ['arxiv.org/html/2510.01234v1', '2510.01234'],
    ['https://huggingface.co/papers/2510.01234', '2510.01234'],
    ['https://www.alphaxiv.org/abs/2510.01234', '2510.01234'],
    ['  1706.03762 ', '1706.03762'],
  ])('reads %s as %s', (pasted, id) => {
    expect(parseArxivReference(pasted)).toBe(id);
  });

  it.each([
    'speculative decoding',
    'https://example.com/abs/2510.01234',
    '2510.123',
    'javascript:alert(1)',
    '',
  ])('reads no paper in %j', (pasted) => {
    expect(parseArxivReference(pasted)).toBeUndefined();
  });

  it('are saved from the preferences page as ids, named on the page, and refused with the form’s words when not a paper', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(reader);
    const manage = tokenFor(reader, 'manage');

    const view = await service.updatePreferences(manage, {
      examplePapers: [`https://huggingface.co/papers/${liked.id}`, liked.id, other.id],
    });
    expect(view.examplePapers).toEqual([liked.id, other.id]);
    expect(view.examples.map((paper) => paper.title)).toEqual([
      'Speculative Decoding with Draft Heads',
      other.title,
    ]);

    await expect(
      service.updatePreferences(manage, { examplePapers: [liked.id, 'my favourite paper'] }),
    ).rejects.toThrow(
      'Example paper 2 (“my favourite paper”) is not an arXiv id or a link to a paper (like 2510.01234 or https://arxiv.org/abs/2510.01234)',
    );
    expect((await subscribers.get(reader.id))?.preferences.examplePapers).toEqual([liked.id, other.id]);
  });

  it('are a topic of their own at sign-up: a reader with only example papers is subscribed to something', async () => {
    const { service, subscribers } = setup();

    await service.subscribe({ email: 'reader@example.com', examplePapers: [`arxiv.org/abs/${liked.id}`] });

    expect((await subscribers.findByEmail('reader@example.com'))?.preferences.examplePapers).toEqual([
      liked.id,
    ]);
  });
});
