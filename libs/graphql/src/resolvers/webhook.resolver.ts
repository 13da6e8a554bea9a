import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  IncomingWebhook,
  IncomingWebhooks,
  ManageWebhooks,
  Webhook,
  WebhookDelivery,
} from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import {
  CreateWebhookInput,
  IncomingWebhookModel,
  IncomingWebhookSecretPayload,
  WebhookDeliveryModel,
  WebhookModel,
  WebhookSecretPayload,
} from '../models/webhook.model';

/** A bot's outgoing webhooks (bot tokens only). */
@Resolver()
@UseGuards(AuthGuard)
export class WebhookResolver {
  constructor(
    private readonly manage: ManageWebhooks,
    private readonly incoming: IncomingWebhooks,
  ) {}

  @Mutation(() => IncomingWebhookSecretPayload, {
    description:
      'Bots with SEND only: a secret URL path that posts into the conversation as the bot. Shown once.',
  })
  async createIncomingWebhook(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) conversationId: string,
  ): Promise<{ webhook: IncomingWebhook; path: string }> {
    const { hook, secret } = await this.incoming.create(actor, conversationId);
    return { webhook: hook, path: `/hooks/incoming/${hook.id}/${secret}` };
  }

  @Mutation(() => IncomingWebhookModel, {
    description: 'Bots only: its URL is refused (404) from now on.',
  })
  revokeIncomingWebhook(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<IncomingWebhook> {
    return this.incoming.revoke(actor, id);
  }

  @Query(() => [IncomingWebhookModel], { description: 'Bots only: your incoming webhooks.' })
  incomingWebhooks(@CurrentActor() actor: Authenticated): Promise<IncomingWebhook[]> {
    return this.incoming.list(actor);
  }

  @Mutation(() => WebhookSecretPayload, {
    description:
      'Bots only: POSTs signed message events of the chosen conversations to the URL. The secret is shown once.',
  })
  async createWebhook(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: CreateWebhookInput,
  ): Promise<{ webhook: Webhook; secret: string }> {
    const webhook = await this.manage.create(actor, input);
    return { webhook, secret: webhook.secret };
  }

  @Mutation(() => WebhookModel, {
    description:
      'Bots only: re-enables one of your webhooks that was disabled (a 410 answer or repeated failures); events from now on are delivered.',
  })
  enableWebhook(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Webhook> {
    return this.manage.enable(actor, id);
  }

  @Query(() => [WebhookModel], { description: 'Bots only: your outgoing webhooks.' })
  webhooks(@CurrentActor() actor: Authenticated): Promise<Webhook[]> {
    return this.manage.list(actor);
  }

  @Query(() => [WebhookDeliveryModel], {
    description: 'Bots only: delivery attempts of one of your webhooks, newest first (up to 100).',
  })
  webhookDeliveries(
    @CurrentActor() actor: Authenticated,
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('limit', { type: () => Int, nullable: true, description: '1–100, default 20.' })
    limit: number | null,
  ): Promise<WebhookDelivery[]> {
    return this.manage.deliveries(actor, webhookId, limit);
  }
}
