import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createTopicPreview } from '../core/digests/preview-topic';
import { instrumented } from '../adapters/observability';
import { createApp } from '../http/app';
import { createServices } from '../composition';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServices);

let lambdaHandler: ReturnType<typeof handle> | undefined;

type LambdaEvent = Parameters<ReturnType<typeof handle>>[0];

export const handler = instrumented(async (event: LambdaEvent, context: Context) => {
  if (!lambdaHandler) {
    const services = await getServices();
    lambdaHandler = handle(
      createApp({
        subscriptions: services.subscriptions,
        preview: createTopicPreview(services),
        logger: services.logger,
      }),
    );
  }
  return lambdaHandler(event, context);
});
