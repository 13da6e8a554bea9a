import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { createLoggerParams } from './logger-params';

/**
 * nestjs-pino configured from the injected AppConfig. In main.ts, create the app with
 * `bufferLogs: true` and call `app.useLogger(app.get(Logger))` (Logger from nestjs-pino).
 */
export function loggingModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => createLoggerParams(config),
  });
}
