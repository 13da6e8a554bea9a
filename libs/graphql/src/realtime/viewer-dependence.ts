import {
  DocumentNode,
  getNamedType,
  GraphQLSchema,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

/** Fields whose value depends on who is looking. */
const VIEWER_DEPENDENT = new Set([
  'User.phone',
  'User.presence',
  'User.lastSeenAt',
  'User.presencePrivacy',
  'User.isContact',
  'User.isBlocked',
  'Message.clientMessageId',
  'Message.reactions',
  'Conversation.myRole',
  'Conversation.muted',
  'Conversation.pinned',
  'Conversation.archived',
  'Conversation.isMessageRequest',
  'Conversation.readSeq',
  'Conversation.unreadCount',
  'Conversation.otherUser',
  'Conversation.members',
  'Conversation.lastMessage',
]);

/**
 * Whether executing this document can give different results to different subscribers for
 * the same event. When it cannot, one execution and one serialization serve them all.
 */
export function dependsOnViewer(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let dependent = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) {
          dependent = true; // unknown shape: be safe
          return;
        }
        if (VIEWER_DEPENDENT.has(`${getNamedType(parent).name}.${field.name}`)) dependent = true;
      },
    }),
  );
  return dependent;
}
