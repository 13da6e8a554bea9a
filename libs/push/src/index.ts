export * from './vapid-keys';
export * from './web-push-sender';
