import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, ManageNotificationEmail, NotificationEmailView } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import { NotificationEmailModel } from '../models/notification-email.model';

const toModel = (v: NotificationEmailView): NotificationEmailModel => ({
  available: v.available,
  address: v.address,
  verified: v.verified,
  emailDigest: v.digestEnabled,
  codePending: v.codePending,
});

/** The caller's notification e-mail address and e-mail digests. */
@Resolver()
@UseGuards(AuthGuard)
export class NotificationEmailResolver {
  constructor(private readonly email: ManageNotificationEmail) {}

  @Query(() => NotificationEmailModel, { description: 'My notification e-mail settings.' })
  async myNotificationEmail(@CurrentActor() actor: Authenticated): Promise<NotificationEmailModel> {
    return toModel(await this.email.get(actor));
  }

  @Mutation(() => NotificationEmailModel, {
    description:
      'Sets my notification e-mail address (null removes it) and mails it a 6-digit verification code; a new address is unverified until verifyNotificationEmail. Rate limited; FORBIDDEN when the server has no SMTP.',
  })
  async setNotificationEmail(
    @CurrentActor() actor: Authenticated,
    @Args('email', { type: () => String, nullable: true }) email: string | null,
  ): Promise<NotificationEmailModel> {
    return toModel(await this.email.setAddress(actor, email ?? null));
  }

  @Mutation(() => NotificationEmailModel, {
    description:
      'Verifies my notification e-mail address with the mailed code (VALIDATION_FAILED on a wrong or expired code; five wrong tries void it).',
  })
  async verifyNotificationEmail(
    @CurrentActor() actor: Authenticated,
    @Args('code') code: string,
  ): Promise<NotificationEmailModel> {
    return toModel(await this.email.verify(actor, code));
  }

  @Mutation(() => NotificationEmailModel, {
    description: 'Turns e-mail digests of my unread conversations on or off.',
  })
  async setEmailDigest(
    @CurrentActor() actor: Authenticated,
    @Args('enabled') enabled: boolean,
  ): Promise<NotificationEmailModel> {
    return toModel(await this.email.setDigest(actor, enabled));
  }
}
