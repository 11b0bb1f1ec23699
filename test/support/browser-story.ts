import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import type { Paper } from '../../functions/core/papers';
import type { TokenPurpose } from '../../functions/core/tokens';
import type { TestStack } from './local-stack';
import { HF_DAYS_DIR } from './paths';
import { linksTo, readInbox } from './ses-inbox';

/** The real days the browser suites read: the newest three of data/. */
export const STORY_DAYS = ['2025-11-11', '2025-11-12', '2025-11-13'] as const;

/** Stores the papers of `days` as ingest would, and answers them. */
export async function storeDays(stack: TestStack, days: readonly string[] = STORY_DAYS): Promise<Paper[]> {
  const papers = days.flatMap(
    (day) =>
      parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${day}.json`), 'utf8')), day).papers,
  );
  await stack.services.papers.upsert(papers);
  return papers;
}

/** Runs the CLI's `ingest` of each day, as an operator would (the mined vocabulary is rebuilt too). */
export async function ingestDays(stack: TestStack, days: readonly string[] = STORY_DAYS): Promise<void> {
  for (const date of days) {
    const result = await stack.cli(['ingest', '--from', HF_DAYS_DIR, '--date', date]);
    if (result.code !== 0) throw new Error(`ingest ${date} failed: ${result.stderr}`);
  }
}

/** A link of an email, pointed at the local app (the emails carry PUBLIC_URL). */
export const onStack = (stack: TestStack, url: URL | string): string =>
  url.toString().replace(/^https?:\/\/[^/]+/, stack.urls.app);

/**
 * Signs up on the landing page as a person does (`fill`: field name → text; `topics`: ids to tick),
 * then confirms with the button of the page the confirmation email links to. Answers the settings URL.
 */
export async function signUpAndConfirm(
  page: Page,
  stack: TestStack,
  email: string,
  form: { fill?: Record<string, string>; topics?: string[] } = {},
): Promise<string> {
  await page.goto(stack.urls.app);
  await page.fill('input[name=email]', email);
  for (const topic of form.topics ?? []) await page.check(`input[name=topics][value=${topic}]`);
  for (const [name, text] of Object.entries(form.fill ?? {})) await page.fill(`[name=${name}]`, text);
  await page.click('button[type=submit]');
  await page.locator('#form-message').filter({ hasText: /inbox/i }).waitFor();
  await stack.mailDone();
  const [confirmation] = await readInbox(stack.urls.inbox, email);
  await page.goto(onStack(stack, linksTo(confirmation.body.html ?? '', '/confirm')[0]));
  await Promise.all([page.waitForURL(/\/preferences\?token=/), page.click('#confirm-button')]);
  return page.url();
}

export interface ReaderLinkTokens {
  confirm: string;
  manage: string;
  unsubscribe: string;
  /** Rating link of the first paper (not rated). */
  rate: string;
  /** Rating link of the second paper, rated "more like this". */
  rated: string;
}

/**
 * A reader signed up through the service and confirmed, with one rated paper, and a link token of each
 * purpose: what the page suites open every page with.
 */
export async function confirmedReaderWithLinks(
  stack: TestStack,
  papers: Paper[],
  signUp: { email: string; topics?: string[]; keywords?: string[] },
): Promise<ReaderLinkTokens> {
  await stack.services.subscriptions.subscribe(signUp);
  await stack.mailDone();
  const subscriber = await stack.services.subscribers.findByEmail(signUp.email);
  if (!subscriber) throw new Error('the sign-up was not stored');
  const issue = (purpose: TokenPurpose, paperId?: string) =>
    stack.services.tokens.issue({
      purpose,
      subscriberId: subscriber.id,
      version: subscriber.tokenVersion,
      ...(purpose === 'confirm' ? { expiresAt: Math.floor(Date.now() / 1000) + 3600 } : {}),
      ...(paperId ? { paperId } : {}),
    });
  const tokens = {
    confirm: issue('confirm'),
    manage: issue('manage'),
    unsubscribe: issue('unsubscribe'),
    rate: issue('rate', papers[0].id),
    rated: issue('rate', papers[1].id),
  };
  await stack.services.subscriptions.confirm(tokens.confirm);
  await stack.services.subscriptions.ratePaper({ token: tokens.rated, verdict: 'more' });
  return tokens;
}
