export * from './log-sms-sender';
export * from './webhook-sms-sender';
