import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/app-config';
import { renderStallReport } from './stall-report';
import { StallSampler } from './stall-sampler';

/**
 * Runs the stall sampler for the life of the process when STALL_REPORT_DIR is set, and writes
 * `stalls-<pid>.json` and `stalls-<pid>.md` there at shutdown.
 */
@Injectable()
export class StallSamplerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StallSampler');
  private sampler: StallSampler | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const { stallReportDir, stallThresholdMs } = this.config.diagnostics;
    if (!stallReportDir) return;
    this.sampler = new StallSampler({ thresholdMs: stallThresholdMs });
    await this.sampler.start();
    this.logger.warn(
      `stall sampler on (CPU profiling, stalls over ${stallThresholdMs} ms); report in ${stallReportDir} at shutdown`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const dir = this.config.diagnostics.stallReportDir;
    if (!this.sampler || !dir) return;
    const report = await this.sampler.stop();
    this.sampler = undefined;
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `stalls-${process.pid}`);
    writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
    writeFileSync(
      `${base}.md`,
      renderStallReport(report, `Event-loop stalls, process ${process.pid}`),
    );
    this.logger.log(`stall report: ${base}.md (${report.stalls} stalls)`);
  }
}
