import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Authenticate, Authenticated, DomainError } from '@chatter/core';
import { GqlContext } from './gql-context';

const PUBLIC = 'chatter:public';
/** Marks an operation that needs no access token (sign-in, refresh). */
export const Public = () => SetMetadata(PUBLIC, true);

/** Verifies the bearer token once per operation; identity comes from the token only. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticate: Authenticate,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
    if (!ctx.actor) ctx.actor = await this.authenticate.execute(ctx.authorization);
    return true;
  }
}

export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Authenticated => {
    const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
    if (!ctx.actor) throw new DomainError('UNAUTHENTICATED', 'missing access token');
    return ctx.actor;
  },
);

export const GqlCtx = createParamDecorator(
  (_data: unknown, context: ExecutionContext): GqlContext =>
    GqlExecutionContext.create(context).getContext<GqlContext>(),
);
