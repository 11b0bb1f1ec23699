/** Builds the absolute URLs that go into emails and redirects. */
export function createLinks(publicUrl: string) {
  const base = publicUrl.replace(/\/+$/, '');
  const withToken = (path: string, token: string) => `${base}${path}?token=${encodeURIComponent(token)}`;
  return {
    home: () => `${base}/`,
    confirm: (token: string) => withToken('/confirm', token),
    manage: (token: string) => withToken('/preferences', token),
    unsubscribe: (token: string) => withToken('/unsubscribe', token),
    /** A paper's rating page; the email adds `&verdict=more` or `&verdict=less`. */
    rate: (token: string) => withToken('/rate', token),
    /** The hosted copy of one reader's digest of one day ("View in browser"). */
    view: (token: string) => withToken('/digest', token),
    /** The reader's Atom feed of their matched papers. */
    feed: (token: string) => withToken('/feed', token),
  };
}
export type Links = ReturnType<typeof createLinks>;
