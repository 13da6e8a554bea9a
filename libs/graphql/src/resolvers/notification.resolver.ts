import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  ConversationNotificationOverride,
  ManageNotifications,
  NotificationDefaults,
  NotificationDefaultsPatch,
  NotifyLevel,
  PushDevice,
} from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import {
  RegisterGatewayDeviceInput,
  RegisterPushDeviceInput,
  SetConversationNotificationsInput,
  UpdateNotificationSettingsInput,
} from '../inputs/notification.inputs';
import {
  ConversationNotificationSettingsModel,
  NotificationSettingsModel,
  NotifyLevelEnum,
  PushDeviceModel,
} from '../models/notification.model';

const toDevice = (d: PushDevice): PushDeviceModel => ({
  id: d.id,
  kind: d.kind,
  label: d.label,
  pushService: d.kind === 'GATEWAY' ? `gateway:${d.appId ?? ''}` : new URL(d.endpoint).origin,
  createdAt: d.createdAt,
  lastSuccessAt: d.lastSuccessAt,
});

const toSettings = (d: NotificationDefaults): NotificationSettingsModel => ({
  levels: {
    direct: d.levels.DIRECT as NotifyLevelEnum,
    group: d.levels.GROUP as NotifyLevelEnum,
    channel: d.levels.CHANNEL as NotifyLevelEnum,
  },
  timeZone: d.timeZone,
  quietHours: d.quietHours,
  onlyIfUnread: d.onlyIfUnread,
  delaySeconds: d.delaySeconds,
});

const toOverride = (
  conversationId: string,
  o: ConversationNotificationOverride,
): ConversationNotificationSettingsModel => ({
  conversationId,
  level: o.level as NotifyLevelEnum | null,
  mutedUntil: o.mutedUntil,
});

/** Push devices and notification settings of the caller. */
@Resolver()
@UseGuards(AuthGuard)
export class NotificationResolver {
  constructor(private readonly notifications: ManageNotifications) {}

  @Query(() => String, {
    nullable: true,
    description:
      'The VAPID public key to subscribe with (PushManager.subscribe applicationServerKey); null when Web Push is not configured.',
  })
  vapidPublicKey(): string | null {
    return this.notifications.vapidPublicKey() || null;
  }

  @Query(() => [PushDeviceModel], { description: 'My devices that receive push notifications.' })
  async myPushDevices(@CurrentActor() actor: Authenticated): Promise<PushDeviceModel[]> {
    return (await this.notifications.listDevices(actor)).map(toDevice);
  }

  @Mutation(() => PushDeviceModel, {
    description:
      'Registers this device’s push subscription (again after the browser renews it: the same endpoint updates the device).',
  })
  async registerPushDevice(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: RegisterPushDeviceInput,
  ): Promise<PushDeviceModel> {
    return toDevice(await this.notifications.registerDevice(actor, input));
  }

  @Mutation(() => PushDeviceModel, {
    description:
      'Registers a native app’s pushkey, delivered through the server’s push gateway (FORBIDDEN when none is configured).',
  })
  async registerGatewayDevice(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: RegisterGatewayDeviceInput,
  ): Promise<PushDeviceModel> {
    return toDevice(await this.notifications.registerGatewayDevice(actor, input));
  }

  @Mutation(() => Boolean, { description: 'Stops pushes to one of my devices.' })
  unregisterPushDevice(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.notifications.unregisterDevice(actor, id);
  }

  @Mutation(() => Int, {
    description:
      'Sends a test notification to one of my devices (or all, without deviceId); returns how many were queued.',
  })
  sendTestNotification(
    @CurrentActor() actor: Authenticated,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
  ): Promise<number> {
    return this.notifications.sendTest(actor, deviceId ?? null);
  }

  @Query(() => NotificationSettingsModel, { description: 'My notification defaults.' })
  async notificationSettings(
    @CurrentActor() actor: Authenticated,
  ): Promise<NotificationSettingsModel> {
    return toSettings(await this.notifications.defaults(actor));
  }

  @Mutation(() => NotificationSettingsModel)
  async updateNotificationSettings(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: UpdateNotificationSettingsInput,
  ): Promise<NotificationSettingsModel> {
    const patch: NotificationDefaultsPatch = {};
    if (input.levels) {
      const levels: NotificationDefaultsPatch['levels'] = {};
      if (input.levels.direct) levels.DIRECT = input.levels.direct as NotifyLevel;
      if (input.levels.group) levels.GROUP = input.levels.group as NotifyLevel;
      if (input.levels.channel) levels.CHANNEL = input.levels.channel as NotifyLevel;
      patch.levels = levels;
    }
    if (input.timeZone != null) patch.timeZone = input.timeZone;
    if (input.clearQuietHours) patch.quietHours = null;
    else if (input.quietHours) patch.quietHours = { ...input.quietHours };
    if (input.onlyIfUnread != null) patch.onlyIfUnread = input.onlyIfUnread;
    if (input.delaySeconds != null) patch.delaySeconds = input.delaySeconds;
    return toSettings(await this.notifications.updateDefaults(actor, patch));
  }

  @Query(() => ConversationNotificationSettingsModel, {
    description: 'My notification override for a conversation I am a member of.',
  })
  async conversationNotificationSettings(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) conversationId: string,
  ): Promise<ConversationNotificationSettingsModel> {
    return toOverride(
      conversationId,
      await this.notifications.conversationSettings(actor, conversationId),
    );
  }

  @Mutation(() => ConversationNotificationSettingsModel, {
    description: 'Sets the level and mute of one conversation (both null: back to my defaults).',
  })
  async setConversationNotifications(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: SetConversationNotificationsInput,
  ): Promise<ConversationNotificationSettingsModel> {
    return toOverride(
      input.conversationId,
      await this.notifications.setConversationSettings(actor, input.conversationId, {
        level: (input.level ?? null) as NotifyLevel | null,
        mutedUntil: input.mutedUntil ?? null,
      }),
    );
  }
}
