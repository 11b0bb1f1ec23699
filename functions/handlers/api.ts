import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createArchive } from '../core/digests/archive';
import { createTopicPreview } from '../core/digests/preview-topic';
import { instrumented } from '../adapters/observability';
import { createApp } from '../http/app';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

// The api renders pages, never email: what ends in an email is queued for send-mail.
const getServices = lambdaServices(createServicesWithoutEmail);

let lambdaHandler: ReturnType<typeof handle> | undefined;

type LambdaEvent = Parameters<ReturnType<typeof handle>>[0];

export const handler = instrumented(async (event: LambdaEvent, context: Context) => {
  if (!lambdaHandler) {
    const services = await getServices();
    lambdaHandler = handle(
      createApp({
        subscriptions: services.subscriptions,
        preview: createTopicPreview(services),
        archive: createArchive(services),
        logger: services.logger,
      }),
    );
  }
  return lambdaHandler(event, context);
});
