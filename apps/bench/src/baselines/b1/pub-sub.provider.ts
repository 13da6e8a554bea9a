import { PubSub } from 'graphql-subscriptions';

/**
 * The NestJS docs' subscriptions setup: one in-memory `PubSub` for the whole app,
 * provided under a token and injected where events are published or subscribed.
 */
export const PUB_SUB = 'PUB_SUB';

export const pubSubProvider = { provide: PUB_SUB, useValue: new PubSub() };
