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

/** The signal that opens and closes a measured window. */
export const STALL_WINDOW_SIGNAL = 'SIGUSR2';

/**
 * Runs the stall sampler for the life of the process when STALL_REPORT_DIR is set, and writes
 * `stalls-<pid>.json` and `stalls-<pid>.md` there at shutdown. While it runs, SIGUSR2 opens a
 * measured window and the next one closes it (windows may repeat): the report gives the figures
 * inside the windows first. The handler exists only while the sampler runs; without it a SIGUSR2
 * gets Node's default, which ends the process, so send it only to a process with the sampler on.
 */
@Injectable()
export class StallSamplerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StallSampler');
  private sampler: StallSampler | undefined;
  private readonly onWindowSignal = () => {
    const open = this.sampler?.toggleWindow();
    this.logger.log(`${STALL_WINDOW_SIGNAL}: measured window ${open ? 'opened' : 'closed'}`);
  };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const { stallReportDir, stallThresholdMs } = this.config.diagnostics;
    if (!stallReportDir) return;
    this.sampler = new StallSampler({ thresholdMs: stallThresholdMs });
    await this.sampler.start();
    process.on(STALL_WINDOW_SIGNAL, this.onWindowSignal);
    this.logger.warn(
      `stall sampler on (CPU profiling, stalls over ${stallThresholdMs} ms; ${STALL_WINDOW_SIGNAL} opens and closes a measured window); report in ${stallReportDir} at shutdown`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const dir = this.config.diagnostics.stallReportDir;
    if (!this.sampler || !dir) return;
    try {
      const report = await this.sampler.stop();
      this.sampler = undefined;
      mkdirSync(dir, { recursive: true });
      const base = join(dir, `stalls-${process.pid}`);
      writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
      writeFileSync(
        `${base}.md`,
        renderStallReport(report, `Event-loop stalls, process ${process.pid}`),
      );
      const inWindow = report.inWindow ? `, ${report.inWindow.stalls} in the measured window` : '';
      this.logger.log(`stall report: ${base}.md (${report.stalls} stalls${inWindow})`);
    } finally {
      // Removed last: a signal arriving while the report is written toggles nothing, harmlessly.
      process.removeListener(STALL_WINDOW_SIGNAL, this.onWindowSignal);
    }
  }
}
