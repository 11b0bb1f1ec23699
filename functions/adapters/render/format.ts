import type { DigestPaperView } from '../../core/digests/paper-view';
import { FOLLOW_LABELS, isLikeLabel } from '../../core/matching/labels';

/** A reason's label as a subject names it: a follow by its name ("NVIDIA", not "Org: NVIDIA"). */
const subjectName = (label: string): string => {
  const prefix = Object.values(FOLLOW_LABELS).find((start) => label.startsWith(start));
  return (prefix ? label.slice(prefix.length) : label).replace(/\s+/g, ' ').trim();
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// A run formats one or two days millions of times.
const formattedDays = new Map<string, { long: string; short: string }>();

function formatted(day: string): { long: string; short: string } {
  let known = formattedDays.get(day);
  if (!known) {
    const date = parseDay(day);
    known = {
      long: `${WEEKDAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`,
      short: `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`,
    };
    if (formattedDays.size >= 1_000) formattedDays.clear();
    formattedDays.set(day, known);
  }
  return known;
}

function parseDay(day: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  }
  return date;
}

/** "Thu, 13 Nov 2025" (fixed English names: the same on every machine and time zone). */
export function formatLongDay(day: string): string {
  return formatted(day).long;
}

/** "Thu 13 Nov" */
export function formatShortDay(day: string): string {
  return formatted(day).short;
}

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 ? one : many}`;

/** Topics of a digest, the most matched first (ties keep first-seen order). */
export function topTopics(papers: DigestPaperView[]): string[] {
  const counts = new Map<string, number>();
  for (const paper of papers) {
    for (const { topic } of paper.matchedTopics) {
      // "like “…” you rated" says why one paper came in; it is no topic of the reader's.
      if (isLikeLabel(topic)) continue;
      const name = subjectName(topic);
      if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([topic]) => topic);
}

const SUBJECT_TARGET = 78;

/**
 * "paperboy · 7 papers on Speculative decoding, AI agents — Thu 13 Nov": as many topics as fit in
 * ~78 characters, then "+N more"; one topic is always named, cut at a word if it is very long.
 */
export function digestSubject(input: {
  date: string;
  cadence: 'daily' | 'weekly';
  papers: DigestPaperView[];
}): string {
  const count = plural(input.papers.length, 'paper');
  const when = formatShortDay(input.date);
  const head = `paperboy · ${count}${input.cadence === 'weekly' ? ' this week' : ''}`;
  const topics = topTopics(input.papers);
  if (topics.length === 0) return `${head} — ${when}`;

  const build = (shown: string[]): string => {
    const rest = topics.length - shown.length;
    return `${head} on ${shown.join(', ')}${rest > 0 ? ` +${rest} more` : ''} — ${when}`;
  };
  let shown = [topics[0]];
  for (const topic of topics.slice(1)) {
    if (build([...shown, topic]).length > SUBJECT_TARGET) break;
    shown = [...shown, topic];
  }
  const subject = build(shown);
  if (subject.length <= SUBJECT_TARGET || shown.length > 1) return subject;
  // A single very long topic name: shorten it at a word.
  const room = Math.max(12, topics[0].length - (subject.length - SUBJECT_TARGET) - 1);
  const cut = topics[0].slice(0, room).replace(/\s+\S*$/, '') || topics[0].slice(0, room);
  return build([`${cut}…`]);
}

/** Word-wraps plain text to `width` columns (a word longer than a line stays whole, e.g. a URL). */
export function wrapText(text: string, width = 72): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
