import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DeliverNotifications } from '@chatter/core';

/** Starts handling notification jobs on this instance and logs what happened to each push. */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('Notifications');

  constructor(private readonly deliver: DeliverNotifications) {}

  onApplicationBootstrap(): void {
    this.deliver.onReport = (report) => {
      const job = report.job;
      const fields = {
        outcome: report.outcome,
        kind: job.kind,
        tenantId: job.tenantId,
        userId: job.recipientId,
        ...('deviceId' in job ? { deviceId: job.deviceId } : {}),
        ...(report.outcome === 'SKIPPED' ? { reason: report.reason } : {}),
      };
      if (report.outcome === 'REJECTED') this.logger.warn(fields, 'push refused by the service');
      else this.logger.debug(fields, 'notification');
    };
    this.deliver.start();
  }
}
