import { Hono, type Context } from 'hono';
import {
  archiveDayUrl,
  dayLabel,
  renderArchiveDayPage,
  renderArchivePage,
  renderArchiveTopicPage,
  renderMissingPage,
} from '../../adapters/render/pages';
import { archiveDayProblem, archiveTopicOf, type Archive } from '../../core/digests/archive';
import { topicCatalog } from '../../core/topics/catalog';

const TO_ARCHIVE = { href: '/archive', label: 'See every day' };
const TO_HOME = { href: '/', label: 'Subscribe' };

/** A page that says what is not there (or what is wrong with the address), and where to go instead. */
const missing = (
  c: Context,
  status: 400 | 404,
  title: string,
  message: string,
  links = [TO_ARCHIVE, TO_HOME],
) => c.html(renderMissingPage({ title, message, links }), status);

const badDate = (c: Context, day: string) =>
  missing(c, 400, 'That is not a date', archiveDayProblem(day) ?? '');

const unknownDay = (c: Context, day: string) =>
  missing(
    c,
    404,
    'No papers for that day',
    `paperboy has no papers for ${dayLabel(day)}. The archive lists every day it has.`,
  );

/**
 * The public archive: readable without signing up (robots may index it), and how people find
 * paperboy. Pages only; the matched days come from the core's archive (cached in the instance).
 */
export function publicRoutes({ archive }: { archive: Archive }): Hono {
  const routes = new Hono();

  routes.get('/archive', async (c) =>
    c.html(renderArchivePage({ days: await archive.days(), topicCount: topicCatalog.length })),
  );

  routes.get('/archive/:day', async (c) => {
    const day = c.req.param('day');
    if (archiveDayProblem(day)) return badDate(c, day);
    const matched = await archive.day(day);
    if (!matched) return unknownDay(c, day);
    return c.html(renderArchiveDayPage({ archive: matched }));
  });

  routes.get('/archive/:day/:topic', async (c) => {
    const { day, topic: topicId } = c.req.param();
    if (archiveDayProblem(day)) return badDate(c, day);
    const topic = archiveTopicOf(topicId);
    if (!topic)
      return missing(
        c,
        404,
        'No such topic',
        `paperboy has no curated topic “${topicId.slice(0, 60)}”. The day’s page lists the topics it has papers for.`,
        [{ href: archiveDayUrl(day), label: 'See the day’s topics' }, TO_ARCHIVE],
      );
    const matched = await archive.day(day);
    if (!matched) return unknownDay(c, day);
    return c.html(renderArchiveTopicPage({ archive: matched, topic }));
  });

  return routes;
}
