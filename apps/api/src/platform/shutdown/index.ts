export * from './shutdown.module';
export * from './shutdown.service';
