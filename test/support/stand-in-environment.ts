import type { StandIns } from '../../infra/local/stand-ins';
import { functionEnvironment, parseLocalSettings, type LocalSettings } from '../../infra/local/settings';

/** The functions' environment against running stand-ins, as the local stack builds it. */
export function standInEnvironment(
  standIns: StandIns,
  options: { tokenSecret: string; settings?: Partial<LocalSettings> },
): Record<string, string> {
  return functionEnvironment({
    settings: { ...parseLocalSettings({}), ...options.settings },
    endpoints: standIns.endpoints,
    tables: standIns.tables,
    queues: standIns.queues,
    tokenSecret: options.tokenSecret,
    publicUrl: 'https://paperboy.example',
  });
}
