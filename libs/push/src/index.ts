export * from './vapid-keys';
export * from './web-push-sender';
export * from './unconfigured-push-sender';
export * from './gateway-push-sender';
export * from './push-request';
export * from './smtp-mail-sender';
