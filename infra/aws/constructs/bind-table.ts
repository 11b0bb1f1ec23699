import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { PaperboyTable } from '../stateful-stack';

/**
 * What a function may do with a table. `readDelete` is for the API's data export and erasure:
 * it can read and delete single items but never write one.
 */
export type TableAccess =
  | 'read'
  | 'scan'
  | 'settleClaims'
  | 'claim'
  | 'ledger'
  | 'suppress'
  | 'recordSent'
  | 'readWrite'
  | 'readDelete'
  | 'ingest';

/**
 * Reads by key: never Scan, which only the digest planner and the operator's settle-claims hold (one flaw
 * in a function that takes outside input could dump every address).
 */
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: READ,
  // The digest planner reads whole segments of readers, and nothing else of them.
  scan: ['dynamodb:Scan'],
  // The operator's settle-claims (invoked by hand) finds claims on readers' items and gives them back.
  settleClaims: ['dynamodb:Scan', 'dynamodb:UpdateItem'],
  // The sender claims a reader's digest on their item (a conditional UpdateItem that answers the item).
  claim: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
  // A run's ledger: one item written when the run starts and added to by each slice.
  ledger: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  // ses-events finds the bounced or complaining address's reader and marks them suppressed.
  suppress: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  // ses-events records a digest SES accepted (its Send event): one conditional PutItem, nothing else.
  recordSent: ['dynamodb:PutItem'],
  readWrite: [...READ, ...WRITE],
  readDelete: [...READ, 'dynamodb:DeleteItem'],
  // Ingest reads what it already has and writes what changed, in batches; then it rebuilds the mined
  // vocabulary: a Query of the recent days' papers and of the vocabulary's parts, its parts in batches
  // (old ones deleted there too) and one PutItem of the pointer to them (vocabulary-repository.ts).
  ingest: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:PutItem'],
};

/**
 * Sets the table's environment variable on the function and grants exactly `access` on the table
 * and its named indexes (never `index/*`, never ConditionCheckItem or DescribeTable, which paperboy
 * does not call).
 */
export function bindTable(fn: LambdaFunction, binding: PaperboyTable, access: TableAccess): void {
  fn.addEnvironment(binding.envName, binding.table.tableName);
  const { tableArn } = binding.table;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [...TABLE_ACTIONS[access]],
      resources: [tableArn, ...binding.indexNames.map((index) => `${tableArn}/index/${index}`)],
    }),
  );
}
