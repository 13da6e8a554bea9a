import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Authenticate, Authenticated, DomainError, requireBotOperation } from '@chatter/core';
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
    const gql = GqlExecutionContext.create(context);
    const ctx = gql.getContext<GqlContext>();
    if (!ctx.actor) ctx.actor = await this.authenticate.execute(ctx.authorization);
    // A bot token reaches only the operations and scopes of its grant.
    if (ctx.actor.grant)
      requireBotOperation(ctx.actor.grant, gql.getInfo<{ fieldName: string }>().fieldName);
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
