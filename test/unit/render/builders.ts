import type { DigestPaperView } from '../../../functions/core/digests/paper-view';
import type { Paper } from '../../../functions/core/papers';

export const aPaper = (overrides: Partial<Paper> = {}): Paper => ({
  id: '2511.08892',
  title: 'Lumine: An Open Recipe for Building Generalist Agents in 3D Open Worlds',
  abstract: 'We introduce Lumine, an open recipe for generalist agents.',
  aiKeywords: [],
  authors: ['Weihao Tan', 'Xiangyang Li'],
  upvotes: 45,
  numComments: 3,
  publishedAt: '2025-11-12T02:01:26.000Z',
  dailyDate: '2025-11-13',
  ...overrides,
});

export const aPaperView = (overrides: Partial<DigestPaperView> = {}): DigestPaperView => ({
  id: '2511.08892',
  title: 'Lumine: An Open Recipe for Building Generalist Agents in 3D Open Worlds',
  url: 'https://huggingface.co/papers/2511.08892',
  authorsLine: 'Weihao Tan, Xiangyang Li, Yunhao Fang et al.',
  organization: 'ByteDance Seed',
  upvotes: 45,
  numComments: 3,
  summary: 'Lumine completes hours-long missions in 3D open worlds in real time.',
  arxivUrl: 'https://arxiv.org/abs/2511.08892',
  pdfUrl: 'https://arxiv.org/pdf/2511.08892',
  githubUrl: 'https://github.com/example/lumine',
  projectUrl: 'https://www.lumine-ai.org/',
  matchedTopics: [{ topic: 'AI agents', matched: ['agents', 'generalist agent'] }],
  ...overrides,
});
