import { Module } from '@nestjs/common';
import { ShutdownService } from './shutdown.service';

/** Provides ShutdownService; needs the global APP_CONFIG and DrainState (HealthModule). */
@Module({ providers: [ShutdownService], exports: [ShutdownService] })
export class ShutdownModule {}
