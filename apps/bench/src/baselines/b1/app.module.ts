import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { IncomingMessage } from 'node:http';
import { createVerifier } from '../shared/bench-auth';
import type { B1Context, B1User } from './b1-context';
import { MessagesResolver } from './messages.resolver';
import { MetricsController } from './metrics.controller';
import { pubSubProvider } from './pub-sub.provider';

const verify = createVerifier();

/**
 * GraphQLModule as in the NestJS docs: Apollo driver, code-first schema, graphql-ws
 * transport, and the token checked once in `onConnect` ("Authentication over
 * WebSockets"); HTTP requests verify their bearer token.
 */
@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      playground: false,
      subscriptions: {
        'graphql-ws': {
          onConnect: async (ctx) => {
            const auth = (ctx.connectionParams as { authorization?: string } | undefined)
              ?.authorization;
            try {
              (ctx.extra as { user?: B1User }).user = await verify(auth);
              return true;
            } catch {
              return false;
            }
          },
        },
      },
      context: (arg: { req?: IncomingMessage; extra?: { user?: B1User } }): B1Context => {
        if (arg.extra?.user) {
          const user = arg.extra.user;
          return { user: async () => user };
        }
        const header = arg.req?.headers.authorization;
        let cached: Promise<B1User> | undefined;
        return { req: arg.req, user: () => (cached ??= verify(header)) };
      },
    }),
  ],
  controllers: [MetricsController],
  providers: [pubSubProvider, MessagesResolver],
})
export class B1AppModule {}
