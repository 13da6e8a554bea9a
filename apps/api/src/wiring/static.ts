import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../platform/config';
import { mountStatic } from '../platform/static';

/** Serves the built web app and the offline playground (see platform/static). */
export async function mountStaticIfAvailable(
  app: NestExpressApplication,
  config: AppConfig,
): Promise<void> {
  await mountStatic(app, config);
}
