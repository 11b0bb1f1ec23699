import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { instrumented } from '../adapters/observability';
import { createWebApp } from '../http/app';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

// The api renders pages, never email: what ends in an email is queued for send-mail.
const getServices = lambdaServices(createServicesWithoutEmail);

let lambdaHandler: ReturnType<typeof handle> | undefined;

type LambdaEvent = Parameters<ReturnType<typeof handle>>[0];

export const handler = instrumented(async (event: LambdaEvent, context: Context) => {
  if (!lambdaHandler) {
    const services = await getServices();
    lambdaHandler = handle(createWebApp(services));
  }
  return lambdaHandler(event, context);
});
