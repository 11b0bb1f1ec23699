import { Hono, type Context } from 'hono';
import type { TopicPreview } from '../../core/digests/preview-topic';
import type { ReaderRatings } from '../../core/matching/reader-model';
import { ValidationError } from '../../core/errors';
import type { SubscriptionService } from '../../core/subscribers/manage-subscription';
import type { Verdict } from '../../core/subscribers/ratings';
import { catalogForPages } from '../topic-catalog';

export interface ApiDeps {
  subscriptions: SubscriptionService;
  preview: (query: unknown, ratings?: ReaderRatings) => Promise<TopicPreview>;
}

async function readJson(c: Context): Promise<Record<string, unknown>> {
  try {
    const body = await c.req.json();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch {
    throw new ValidationError('the request body must be a JSON object');
  }
}

/** What a rating changes, in the reader's words. */
export function ratingMessage(verdict: Verdict): string {
  if (verdict === 'more') return 'Noted: more papers like this one. Your next digests learn from it.';
  if (verdict === 'less') return 'Noted: fewer papers like this one. Your next digests learn from it.';
  return 'Rating taken back.';
}

/** The JSON API the pages' scripts call, mounted under /api. Errors answer `{ error: { code, message } }`. */
export function apiRoutes({ subscriptions, preview }: ApiDeps): Hono {
  const api = new Hono();

  api.get('/topics', (c) => c.json({ topics: catalogForPages() }));

  api.post('/subscribe', async (c) => {
    const body = await readJson(c);
    await subscriptions.subscribe({
      email: body.email,
      topics: body.topics,
      keywords: body.keywords,
      examplePapers: body.examplePapers,
    });
    return c.json({ message: 'Check your inbox: we sent a link to confirm your subscription.' }, 202);
  });

  api.post('/confirm', async (c) => {
    const body = await readJson(c);
    const { manageToken } = await subscriptions.confirm(body.token);
    return c.json({
      message: 'Subscription confirmed.',
      manageToken,
      manageUrl: `/preferences?token=${encodeURIComponent(manageToken)}`,
    });
  });

  api.get('/preferences', async (c) => c.json(await subscriptions.getPreferences(c.req.query('token'))));

  api.put('/preferences', async (c) => {
    const { token, ...changes } = await readJson(c);
    return c.json(await subscriptions.updatePreferences(token, changes));
  });

  api.post('/links/renew', async (c) => {
    const body = await readJson(c);
    const { mailed } = await subscriptions.renewLinks(body.token);
    const revoked = 'Links in your older emails no longer work, and neither does the link of this page.';
    return mailed
      ? c.json(
          { mailed, message: `We emailed you a new link. ${revoked} Use the new email from now on.` },
          202,
        )
      : c.json({
          mailed,
          message: `${revoked} We could not email you a new one: mail to this address bounced or was reported as spam, so paperboy no longer sends to it.`,
        });
  });

  // With the manage link (the preferences page), the reader's own ratings rank the preview.
  api.get('/preview', async (c) => {
    const token = c.req.query('token');
    const ratings = token === undefined ? undefined : await subscriptions.readerRatings(token);
    return c.json(await preview(c.req.query('q'), ratings));
  });

  api.post('/ratings', async (c) => {
    const { token, verdict, paper } = await readJson(c);
    const rated = await subscriptions.ratePaper({ token, verdict, paper });
    return c.json({ ...rated, message: ratingMessage(rated.verdict) });
  });

  api.get('/export', async (c) => {
    const data = await subscriptions.exportData(c.req.query('token'));
    c.header('Content-Disposition', 'attachment; filename="paperboy-data.json"');
    return c.json({ exportedAt: new Date().toISOString(), ...data });
  });

  api.delete('/subscriber', async (c) => {
    const body = await readJson(c);
    await subscriptions.deleteData(body.token);
    return c.json({ message: 'All your data is deleted.' });
  });

  return api;
}
