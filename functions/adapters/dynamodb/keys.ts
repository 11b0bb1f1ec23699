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
};

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
