import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import type { GraphQLSchema } from 'graphql';
import { GRAPHQL_RESOLVERS } from '../../chatter-graphql.module';

/** The schema the API builds from its resolvers (with field extensions), for specs. */
export async function buildApiSchema(
  resolvers: readonly (new (...args: never[]) => unknown)[] = GRAPHQL_RESOLVERS,
): Promise<GraphQLSchema> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  try {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's signature
    return await app.get(GraphQLSchemaFactory).create([...resolvers] as Function[], {
      dateScalarMode: 'isoDate',
      numberScalarMode: 'integer',
    });
  } finally {
    await app.close();
  }
}
