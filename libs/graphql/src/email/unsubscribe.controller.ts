import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ManageNotificationEmail, escapeHtml } from '@chatter/core';

const page = (title: string, body: string): string =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/**
 * The e-mail digest's unsubscribe link; the signed token in the link is the only credential.
 * GET shows a confirmation button (mail scanners that fetch links change nothing); POST turns
 * digests off, which is also the RFC 8058 one-click `List-Unsubscribe-Post`. Idempotent.
 */
@Controller('email/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly email: ManageNotificationEmail) {}

  @Get()
  confirm(@Query('token') token: unknown, @Res() res: Response): void {
    this.headers(res);
    const value = typeof token === 'string' ? token : '';
    res
      .status(200)
      .send(
        page(
          'Unsubscribe from Chatter e-mail digests',
          `<form method="post" action="?token=${escapeHtml(encodeURIComponent(value))}"><button type="submit">Stop e-mail digests</button></form>`,
        ),
      );
  }

  @Post()
  async unsubscribe(@Query('token') token: unknown, @Res() res: Response): Promise<void> {
    this.headers(res);
    if (!(await this.email.unsubscribe(token))) {
      res.status(400).send(page('Link not valid', '<p>This unsubscribe link is not valid.</p>'));
      return;
    }
    res
      .status(200)
      .send(
        page(
          'Unsubscribed',
          '<p>You will get no more e-mail digests. You can turn them on again in Chatter’s notification settings.</p>',
        ),
      );
  }

  private headers(res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; form-action 'self'");
  }
}
