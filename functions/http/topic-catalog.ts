import { topicCatalog } from '../core/topics/catalog';

/** The curated topics as the landing page, the preferences page and GET /api/topics show them. */
export const catalogForPages = () =>
  topicCatalog.map(({ id, name, description }) => ({ id, name, description }));
