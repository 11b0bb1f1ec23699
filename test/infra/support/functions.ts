/** The logical-id prefixes of paperboy's six functions in the stateless stack. */
export const FUNCTIONS = [
  'ApiFunction',
  'IngestFunction',
  'PlanDigestsFunction',
  'PlanSliceFunction',
  'SendDigestsFunction',
  'SendMailFunction',
  'SesEventsFunction',
  'SettleClaimsFunction',
];
