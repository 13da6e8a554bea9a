import { Controller, Get, Logger, Param, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AttachmentAccess, DomainError, DomainErrorCode, Uploads } from '@chatter/core';

/** HTTP status for a refused file request; the body carries the stable domain code. */
/** The HTTP status of a domain error on the plain HTTP endpoints (files, incoming webhooks). */
export function statusFor(code: DomainErrorCode): number {
  switch (code) {
    case 'FILE_TOO_LARGE':
      return 413;
    case 'FILE_TYPE_REFUSED':
      return 415;
    case 'FORBIDDEN':
    case 'ACCOUNT_SUSPENDED':
    case 'ACCOUNT_BANNED':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_REVOKED':
    case 'UNAUTHENTICATED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'ATTACHMENT_ALREADY_USED':
    case 'BUSY':
    case 'POLL_CLOSED':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'QUOTA_EXCEEDED':
      return 507;
    case 'UNAVAILABLE':
      return 503;
    case 'NOT_A_MEMBER':
      return 403;
    case 'CONTENT_BLOCKED':
      return 422;
    case 'VALIDATION_FAILED':
    case 'BLOCKED':
    case 'LAST_OWNER':
    case 'LOGIN_CODE_EXPIRED':
    case 'LOGIN_CODE_INVALID':
    case 'NAME_REQUIRED':
    case 'SMS_DELIVERY_FAILED':
      return 400;
  }
}

/** Headers that keep a served file from running as a page of this origin. */
const SANDBOX_CSP =
  "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'";

/**
 * Files over HTTP: the upload endpoint of storages without presigned uploads, and downloads. Both
 * are authorized by the signed, short-lived token in the path (issued by createUpload, or by the
 * `url` fields of attachments for members), never by a permanent link.
 */
@Controller('files')
export class FilesController {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly uploads: Uploads,
    private readonly access: AttachmentAccess,
  ) {}

  @Put('upload/:token')
  async upload(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      if ((req as { _body?: boolean })._body) {
        throw new DomainError('VALIDATION_FAILED', 'send the file as application/octet-stream', {
          field: 'body',
        });
      }
      const { size } = await this.uploads.receive(token, req, declaredLength(req));
      res.status(201).json({ size });
    } catch (error) {
      // The client may still be sending: answer, then close rather than read the rest.
      res.setHeader('Connection', 'close');
      this.fail(res, error);
      res.once('finish', () => req.destroy());
    }
  }

  @Get('download/:token/:name')
  download(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    return this.serve(token, 'download', req, res);
  }

  @Get('thumbnail/:token')
  thumbnail(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    return this.serve(token, 'thumbnail', req, res);
  }

  private async serve(
    token: string,
    purpose: 'download' | 'thumbnail',
    req: Request,
    res: Response,
  ): Promise<void> {
    try {
      const file = await this.access.open(token, purpose, parseRange(req.headers.range));
      res.status(file.range ? 206 : 200);
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Length', String(file.length));
      res.setHeader('Accept-Ranges', 'bytes');
      if (file.range) {
        res.setHeader(
          'Content-Range',
          `bytes ${file.range.start}-${file.range.end}/${file.totalSize}`,
        );
      }
      res.setHeader(
        'Content-Disposition',
        `${file.inline ? 'inline' : 'attachment'}; filename="${asciiName(file.attachment.name)}"; filename*=UTF-8''${encodeURIComponent(file.attachment.name)}`,
      );
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', SANDBOX_CSP);
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Cache-Control', 'private, max-age=300');
      file.body.once('error', (error) => {
        this.logger.warn({ err: error }, 'file stream failed');
        res.destroy(error);
      });
      file.body.pipe(res);
    } catch (error) {
      this.fail(res, error);
    }
  }

  private fail(res: Response, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof DomainError) {
      res.status(statusFor(error.code)).json({
        error: { code: error.code, message: error.message, ...error.details },
      });
      return;
    }
    this.logger.error({ err: error }, 'file request failed');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
  }
}

function declaredLength(req: Request): number | null {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

/** One `bytes=start-end` or `bytes=start-` range; anything else means the whole file. */
function parseRange(header: string | undefined): { start: number; end: number | null } | null {
  const match = header ? /^bytes=(\d{1,15})-(\d{0,15})$/.exec(header.trim()) : null;
  if (!match) return null;
  const start = Number(match[1]);
  const end = match[2] ? Number(match[2]) : null;
  return end !== null && end < start ? null : { start, end };
}

/** A quoted-string-safe fallback name for old clients (the exact name is in filename*). */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}
