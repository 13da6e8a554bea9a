import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, ManageWebhooks, Webhook, WebhookDelivery } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import {
  CreateWebhookInput,
  WebhookDeliveryModel,
  WebhookModel,
  WebhookSecretPayload,
} from '../models/webhook.model';

/** A bot's outgoing webhooks (bot tokens only). */
@Resolver()
@UseGuards(AuthGuard)
export class WebhookResolver {
  constructor(private readonly manage: ManageWebhooks) {}

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
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
  ): Promise<WebhookDelivery[]> {
    return this.manage.deliveries(actor, webhookId, first);
  }
}
