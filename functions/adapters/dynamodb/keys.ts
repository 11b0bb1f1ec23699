/** Every DynamoDB key paperboy writes, built in one place. */
export const keys = {
  paper: (paperId: string) => ({ pk: `PAPER#${paperId}`, sk: 'PAPER' }),
  listedDay: (day: string) => ({ pk: 'DAYS', sk: day }),
  subscriber: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: 'PROFILE' }),
  emailClaim: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  /** The record of one digest email sent (deliveries table). */
  sentDigest: (subscriberId: string, digestDate: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `DIGEST#${digestDate}`,
  }),
  /** The running totals of one digest run (deliveries table). */
  digestRun: (digestDate: string, runId: string) => ({ pk: `RUN#${digestDate}`, sk: runId }),
  subscriberPartition: (subscriberId: string) => `SUB#${subscriberId}`,
  /** The mined vocabulary (papers table): a pointer to the current generation of its parts ... */
  vocabularyCurrent: () => ({ pk: VOCABULARY_PARTITION, sk: 'CURRENT' }),
  /** ... and each part; `vocabularyPartPrefix` begins the keys of one generation's parts, or all (''). */
  vocabularyPart: (generation: string, index: number) => ({
    pk: VOCABULARY_PARTITION,
    sk: `${keys.vocabularyPartPrefix(generation)}${String(index).padStart(4, '0')}`,
  }),
  vocabularyPartPrefix: (generation: string) => (generation ? `PART#${generation}#` : 'PART#'),
  vocabularyPartition: () => VOCABULARY_PARTITION,
};

const VOCABULARY_PARTITION = 'VOCABULARY';

/** GSI of the papers table: papers by the day they were listed on. */
export const PAPERS_BY_DAY_INDEX = 'byDay';

/** The tables' key schemas, shared by the local stack (CreateTable) and the docs; the CDK stack mirrors them. */
export const tableDefinitions = {
  papers: {
    attributes: ['pk', 'sk', 'dailyDate'],
    globalSecondaryIndexes: [{ name: PAPERS_BY_DAY_INDEX, partitionKey: 'dailyDate', sortKey: 'pk' }],
  },
  subscribers: { attributes: ['pk', 'sk'], globalSecondaryIndexes: [] },
  deliveries: { attributes: ['pk', 'sk'], globalSecondaryIndexes: [], ttlAttribute: 'expiresAt' },
} as const;
