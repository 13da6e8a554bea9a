import { Controller, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, INCOMING_WEBHOOK_MAX_BYTES, IncomingWebhooks } from '@chatter/core';
import { statusFor } from '../files/files.controller';

/**
 * Incoming webhooks: `POST /hooks/incoming/<id>/<secret>` with JSON `{"text": "..."}` posts into
 * the hook's conversation as its bot. The secret in the path is the only credential.
 */
@Controller('hooks/incoming')
export class IncomingWebhookController {
  private readonly logger = new Logger('IncomingWebhooks');

  constructor(private readonly hooks: IncomingWebhooks) {}

  @Post(':id/:secret')
  async post(
    @Param('id') id: string,
    @Param('secret') secret: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > INCOMING_WEBHOOK_MAX_BYTES)
        throw new DomainError('FILE_TOO_LARGE', `at most ${INCOMING_WEBHOOK_MAX_BYTES} bytes`);
      if (!req.is('application/json'))
        throw new DomainError('VALIDATION_FAILED', 'send JSON {"text": "..."}', { field: 'body' });
      const message = await this.hooks.post(id, secret, req.body as unknown);
      res.status(200).json({ ok: true, messageId: message.id, seq: message.seq });
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(statusFor(error.code)).json({
          ok: false,
          error: { code: error.code, message: error.message },
        });
        return;
      }
      this.logger.error({ err: error }, 'incoming webhook failed');
      res.status(500).json({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    }
  }
}
