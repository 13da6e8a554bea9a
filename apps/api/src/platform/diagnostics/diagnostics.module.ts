import { Module } from '@nestjs/common';
import { StallSamplerService } from './stall-sampler.service';

/** Opt-in diagnostics: the event-loop stall sampler (STALL_REPORT_DIR). */
@Module({ providers: [StallSamplerService] })
export class DiagnosticsModule {}
