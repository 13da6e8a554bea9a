import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { HistoryVisibilityEnum, MentionAllPolicyEnum, PresencePrivacyEnum } from '../models/enums';

@InputType('UpdateProfileInput')
export class UpdateProfileInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) avatarUrl?: string | null;
  @Field(() => String, { nullable: true }) statusText?: string | null;
  @Field(() => String, { nullable: true }) statusEmoji?: string | null;
  @Field(() => PresencePrivacyEnum, { nullable: true })
  presencePrivacy?: PresencePrivacyEnum | null;
}

@InputType('CreateGroupInput')
export class CreateGroupInput {
  @Field() title!: string;
  @Field(() => [ID]) memberIds!: string[];
  @Field(() => HistoryVisibilityEnum, { nullable: true, description: 'Default SINCE_JOINED.' })
  historyVisibility?: HistoryVisibilityEnum | null;
}

@InputType('CreateChannelInput')
export class CreateChannelInput {
  @Field({
    description:
      'Unique among the channels of the tenant (ignoring case and spacing): a taken name is refused with CONFLICT.',
  })
  title!: string;
  @Field(() => String, {
    nullable: true,
    description: 'What the channel is about (up to 500 characters).',
  })
  description?: string | null;
  @Field(() => HistoryVisibilityEnum, { nullable: true, description: 'Default FULL.' })
  historyVisibility?: HistoryVisibilityEnum | null;
}

@InputType('UpdateConversationInput')
export class UpdateConversationInput {
  @Field(() => ID) conversationId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Admins. A channel name taken by another channel is refused with CONFLICT.',
  })
  title?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Admins of groups and channels, up to 500 characters; an empty string clears it.',
  })
  description?: string | null;
  @Field(() => HistoryVisibilityEnum, {
    nullable: true,
    description: 'Admins; applies to members added from now on.',
  })
  historyVisibility?: HistoryVisibilityEnum | null;
  @Field(() => MentionAllPolicyEnum, {
    nullable: true,
    description: 'Admins; groups and channels.',
  })
  mentionAll?: MentionAllPolicyEnum | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Disappearing messages: 0 (off), 3600 (1 hour), 86400 (1 day), 604800 (7 days) or 7776000 (90 days). Admins of groups and channels; either member of a direct chat. Applies to messages sent from now on.',
  })
  disappearAfterSeconds?: number | null;
  @Field(() => Boolean, { nullable: true }) muted?: boolean | null;
  @Field(() => Boolean, { nullable: true }) pinned?: boolean | null;
  @Field(() => Boolean, { nullable: true }) archived?: boolean | null;
}

@InputType('SendMessageInput')
export class SendMessageInput {
  @Field(() => ID) conversationId!: string;
  @Field({
    description:
      'Client-generated id (1–64 of A–Z a–z 0–9 _ . : -); a retry with it returns the first message.',
  })
  clientMessageId!: string;
  @Field({
    description:
      'Up to 4000 characters, kept exactly as sent. `<@userId>` mentions a member, `@all` everyone (where allowed).',
  })
  body!: string;
  @Field(() => ID, { nullable: true }) replyToId?: string | null;
  @Field(() => [ID], {
    nullable: true,
    description:
      'Finalized uploads of yours to this conversation, in display order; each goes with one message only. With attachments the body (caption) may be empty.',
  })
  attachmentIds?: string[] | null;
  @Field(() => ID, {
    nullable: true,
    description:
      'Sends the message as a reply in the thread under this root (a live message of the same conversation that is not itself a thread reply). Thread replies stay out of the main timeline.',
  })
  threadRootId?: string | null;
}

@InputType('ForwardMessageInput')
export class ForwardMessageInput {
  @Field(() => ID, { description: 'A message you can read.' }) messageId!: string;
  @Field(() => ID, { description: 'Where the copy goes: a conversation you can send in.' })
  conversationId!: string;
  @Field({ description: 'Idempotency key of the copy, as for sendMessage.' })
  clientMessageId!: string;
}

@InputType('ConversationCursorInput')
export class ConversationCursorInput {
  @Field(() => ID) conversationId!: string;
  @Field(() => Int) afterSeq!: number;
}

@InputType('CreateUploadInput')
export class CreateUploadInput {
  @Field(() => ID) conversationId!: string;
  @Field({ description: 'Shown to members; no paths or control characters; 1–255 characters.' })
  fileName!: string;
  @Field(() => Int, { description: 'Exact size in bytes; the storage refuses more.' })
  byteSize!: number;
  @Field({ description: 'Declared media type; the bytes must agree.' }) contentType!: string;
}
