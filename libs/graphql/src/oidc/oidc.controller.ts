import { Controller, Get, Logger, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, OidcCallbackOutcome, OidcSignIn } from '@chatter/core';

/**
 * The browser side of OpenID Connect: `GET /auth/oidc/<tenant>/<provider>/start` redirects to the
 * provider; the provider redirects back to `GET /auth/oidc/callback`, which sends the browser to
 * the web app with a one-time code (or an error code) in the URL fragment, never in the query,
 * so it reaches no server log or Referer. Tokens never travel in a URL.
 */
@Controller('auth/oidc')
export class OidcController {
  private readonly logger = new Logger('OpenIdConnect');

  constructor(private readonly signIn: OidcSignIn) {}

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query))
      if (typeof value === 'string' && value.length <= 4096) params[key] = value;
    try {
      if (typeof params['error'] === 'string')
        throw new DomainError('UNAUTHENTICATED', 'the provider refused the sign-in', {
          reason: 'PROVIDER_ERROR',
        });
      const outcome = await this.signIn.callback(params, req.ip ?? 'unknown');
      this.redirect(res, fragmentOf(outcome));
    } catch (error) {
      this.fail(res, error);
    }
  }

  @Get(':tenant/:provider/start')
  async start(
    @Param('tenant') tenant: string,
    @Param('provider') provider: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const url = await this.signIn.start(tenant, provider, req.ip ?? 'unknown');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.redirect(302, url);
    } catch (error) {
      this.fail(res, error);
    }
  }

  private redirect(res: Response, fragment: string): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(302, `${this.signIn.appUrl()}#${fragment}`);
  }

  private fail(res: Response, error: unknown): void {
    if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'OpenID Connect failed');
    const code = error instanceof DomainError ? error.code : 'INTERNAL';
    const fragment = new URLSearchParams({ 'oidc-error': code });
    const reason = error instanceof DomainError ? error.details['reason'] : undefined;
    if (typeof reason === 'string') fragment.set('reason', reason);
    try {
      this.redirect(res, fragment.toString());
    } catch {
      // No PUBLIC_URL: there is no web app address to go back to.
      res.status(503).type('text/plain').send('OpenID Connect sign-in needs PUBLIC_URL to be set');
    }
  }
}

/** The web app's fragment: sign-in results for the sign-in page, link results for settings. */
function fragmentOf(outcome: OidcCallbackOutcome): string {
  switch (outcome.kind) {
    case 'SIGNED_IN':
      return new URLSearchParams({ 'oidc-code': outcome.code }).toString();
    case 'LINKED':
      return `/settings/${new URLSearchParams({ 'oidc-linked': outcome.providerId }).toString()}`;
    case 'LINK_FAILED': {
      const params = new URLSearchParams({ 'oidc-error': outcome.code });
      if (outcome.reason) params.set('reason', outcome.reason);
      return `/settings/${params.toString()}`;
    }
  }
}
