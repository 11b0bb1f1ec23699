/** The logical-id prefixes of paperboy's five functions in the stateless stack. */
export const FUNCTIONS = [
  'ApiFunction',
  'IngestFunction',
  'PlanDigestsFunction',
  'SendDigestsFunction',
  'SesEventsFunction',
];
