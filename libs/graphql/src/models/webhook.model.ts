import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum WebhookEventEnum {
  MESSAGE_CREATED = 'message.created',
  MESSAGE_EDITED = 'message.edited',
  MESSAGE_DELETED = 'message.deleted',
}
registerEnumType(WebhookEventEnum, {
  name: 'WebhookEvent',
  description: 'Sent as the payload `type`: message.created, message.edited, message.deleted.',
});

export enum WebhookDeliveryStatusEnum {
  DELIVERED = 'DELIVERED',
  RETRYING = 'RETRYING',
  FAILED = 'FAILED',
  DEAD = 'DEAD',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description:
    'DELIVERED: a 2xx answer. RETRYING: failed, another attempt is scheduled. FAILED: not retried (a 410 answer, the webhook disabled, or its bot revoked). DEAD: the last attempt failed (the dead-letter record).',
});

export enum WebhookDisabledReasonEnum {
  GONE = 'GONE',
  FAILING = 'FAILING',
}
registerEnumType(WebhookDisabledReasonEnum, {
  name: 'WebhookDisabledReason',
  description:
    'GONE: the receiver answered 410. FAILING: too many consecutive events were dead-lettered.',
});

@ObjectType('Webhook')
export class WebhookModel {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field(() => [ID]) conversationIds!: string[];
  @Field(() => [WebhookEventEnum]) events!: WebhookEventEnum[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'Set while no events are delivered; enableWebhook clears it.',
  })
  disabledAt!: Date | null;
  @Field(() => WebhookDisabledReasonEnum, { nullable: true })
  disabledReason!: WebhookDisabledReasonEnum | null;
  @Field(() => Int, {
    description: 'Events dead-lettered in a row since the last delivered one.',
  })
  consecutiveFailures!: number;
}

@ObjectType('WebhookSecretPayload')
export class WebhookSecretPayload {
  @Field(() => WebhookModel) webhook!: WebhookModel;
  @Field({
    description:
      'Shown once: verify `webhook-signature` (Standard Webhooks, HMAC-SHA256 over `webhook-id.webhook-timestamp.body`) with it.',
  })
  secret!: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'The `webhook-id` header, the same for every attempt of one event.' })
  eventId!: string;
  @Field(() => WebhookEventEnum) eventType!: WebhookEventEnum;
  @Field(() => Int, { description: 'The attempt this entry logs, from 1.' }) attempt!: number;
  @Field(() => WebhookDeliveryStatusEnum) status!: WebhookDeliveryStatusEnum;
  @Field(() => Int, { nullable: true }) responseStatus!: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why the attempt failed, or why a delivered answer was not posted back.',
  })
  error!: string | null;
  @Field(() => Date) at!: Date;
}

@InputType('CreateWebhookInput')
export class CreateWebhookInput {
  @Field({ description: 'http(s) URL; private and loopback targets are refused at delivery.' })
  url!: string;
  @Field(() => [ID], { description: 'Conversations the bot is a member of (private ones too).' })
  conversationIds!: string[];
  @Field(() => [WebhookEventEnum], { nullable: true, description: 'Default: all three.' })
  events?: WebhookEventEnum[] | null;
}

@ObjectType('IncomingWebhook')
export class IncomingWebhookModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType('IncomingWebhookSecretPayload')
export class IncomingWebhookSecretPayload {
  @Field(() => IncomingWebhookModel) webhook!: IncomingWebhookModel;
  @Field({
    description:
      'Shown once: POST JSON {"text": "..."} to this path on the API (`/hooks/incoming/<id>/<secret>`).',
  })
  path!: string;
}
