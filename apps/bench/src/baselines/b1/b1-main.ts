import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { B1AppModule } from './app.module';

/** Baseline B1: NestJS + Apollo Server + graphql-ws as the NestJS docs teach it. */
export async function startB1Server(
  port: number,
  host = '127.0.0.1',
): Promise<() => Promise<void>> {
  const app = await NestFactory.create(B1AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(port, host);
  return () => app.close();
}

if (require.main === module) {
  void startB1Server(Number(process.env.PORT ?? 4200));
}
