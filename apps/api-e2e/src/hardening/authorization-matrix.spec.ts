import { createECDH, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  GraphQLObjectType,
  GraphQLSchema,
  IntrospectionQuery,
  isEnumType,
} from 'graphql';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiProcess,
  appToken,
  appUser,
  gql,
  GqlResult,
  newTenantSecret,
  nextPhone,
  ok,
  removeDataDir,
  Session,
  signUp,
  wsClient,
} from '../support';
import { expectNoUnexpectedErrors, logIn, startBuiltApi } from '../identity/identity-helpers';

/**
 * The authorization matrix: every query, mutation and subscription of the schema against every
 * relation a caller can have to the user O ("owner") and O's resources, with the outcome expected
 * in each cell. The operation list is read from the running server (introspection), so an
 * operation without a row fails the test: a new operation cannot ship without deciding who may
 * call it.
 *
 * Relations (columns):
 *   self      O itself                          contact   K: O and K have each other in contacts
 *   stranger  X: opened a DM with O, wrote "hi"; O never replied (a pending message request)
 *   member    M: MEMBER of O's group G          former    F: was in G, removed by O
 *   blocked   B: in O's contacts, then blocked by O (B had written to O before)
 *   blocker   Z: wrote to O, then blocked O     tenant    T: a user of another tenant
 *   tadmin    A: a tenant ADMIN of O's tenant (granted by an operator), otherwise unrelated to O.
 *             Tenant admins moderate public channels (they delete O's message in O's channel) and
 *             read tenant roles; O's groups and DMs stay as closed to them as to anyone.
 *   operator  the x-admin-token header and no bearer token
 *   none      no token            expired   an expired token       revoked   a logged-out session's token
 *
 * Targets: user ops name O (id or phone); conversation ops name G (the DM row names the caller's
 * DM with O, or O's DM with X when the caller has none); message ops name O's messages in G;
 * message-request ops name O's DM with X (a request for O); chatEvents resumes G from seq 0.
 *
 * Outcomes: `ok`; an error's `extensions.code`; `true`/`false` for Boolean answers; or a label
 * for what a successful answer reveals: `phone+presence` / `nophone+nopresence` (O is online with
 * presence CONTACTS), `null`, `G`/`noG` (G in conversations, or formerConversations), `hit`/`nohit` (O's message found by
 * search), `CH`/`noCH` (O's channel listed), `replay`/`ResyncRequired`/`closed-4403` (chatEvents).
 * A former member keeps reading G up to their removal (docs/history-visibility.md): reads answer
 * `ok`, writes `NOT_A_MEMBER`, and chatEvents replays their removal. O's message in G was sent
 * after F's removal, so what names it (threads, stars, forwarding) is NOT_FOUND to F.
 */
const RELATIONS = [
  'self',
  'contact',
  'stranger',
  'member',
  'former',
  'blocked',
  'blocker',
  'tenant',
  'tadmin',
  'operator',
  'none',
  'expired',
  'revoked',
] as const;
type Relation = (typeof RELATIONS)[number];

// prettier-ignore
/** A P-256 public key as a browser's PushSubscription carries it (base64url, uncompressed). */
const pushKey = () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return ecdh.getPublicKey().toString('base64url');
};

const MATRIX: Record<string, string> = {
  //                                           self               contact            stranger           member             former             blocked            blocker            tenant             tadmin             operator           none               expired            revoked
  'Query.me':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.user':
    'phone+presence     phone+presence     nophone+nopresence nophone+nopresence nophone+nopresence nophone+nopresence nophone+nopresence null               nophone+nopresence UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.contacts':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.blockedUsers':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.conversations':
    'G                  noG                noG                G                  noG                noG                noG                noG                noG                UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.formerConversations':
    'noG                noG                noG                noG                G                  noG                noG                noG                noG                UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.conversation':
    'ok                 null               null               ok                 ok                 null               null               null               null               UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.messages':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.conversationNotices':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.searchMessages':
    'hit                nohit              nohit              hit                nohit              nohit              nohit              nohit              nohit              UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.channels':
    'CH                 CH                 CH                 CH                 CH                 CH                 CH                 noCH               CH                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.uploadLimits':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.tenants':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.requestLoginCode':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok',
  'Mutation.verifyLoginCode':
    'LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED LOGIN_CODE_EXPIRED',
  'Mutation.refreshSession':
    'UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED',
  'Mutation.logout':
    'false              false              false              false              false              false              false              false              false              false              false              false              false',
  'Mutation.updateProfile':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.addContact':
    'BAD_USER_INPUT     ok                 ok                 ok                 ok                 ok                 ok                 NOT_FOUND          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendInvite':
    'CONFLICT           CONFLICT           CONFLICT           CONFLICT           CONFLICT           CONFLICT           CONFLICT           ok                 CONFLICT           UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.removeContact':
    'false              true               true               false              false              true               true               false              false              UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.blockUser':
    'BAD_USER_INPUT     true               true               true               true               true               true               NOT_FOUND          true               UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.unblockUser':
    'false              false              false              false              false              false              true               false              false              UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.openDirectConversation':
    'BAD_USER_INPUT     ok                 ok                 ok                 ok                 BLOCKED            BLOCKED            NOT_FOUND          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.acceptMessageRequest':
    'ok                 NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.declineMessageRequest':
    'ok                 NOT_FOUND          BAD_USER_INPUT     NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createGroup':
    'ok                 ok                 ok                 ok                 ok                 BLOCKED            BLOCKED            NOT_FOUND          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createChannel':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.joinChannel':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 NOT_FOUND          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.addMembers':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.removeMember':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.setMemberRole':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.updateConversation':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.leaveConversation':
    'LAST_OWNER         NOT_FOUND          NOT_FOUND          true               NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendMessage':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendMessage (DM)':
    'ok                 ok                 ok                 NOT_FOUND          NOT_FOUND          BLOCKED            BLOCKED            NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.editMessage':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.removeLinkPreview':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.deleteMessage':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.addReaction':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.removeReaction':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendPoll':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.votePoll':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.closePoll':
    'ok                 NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.markRead':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.markDelivered':
    'true               NOT_FOUND          NOT_FOUND          true               NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.threadReplies':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.followedThreads':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.starredMessages':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendMessage (thread)':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.forwardMessage':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.followThread':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.unfollowThread':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.markThreadRead':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.starMessage':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.unstarMessage':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.setTyping':
    'true               NOT_FOUND          NOT_FOUND          true               NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createUpload':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.finalizeUpload':
    'BAD_USER_INPUT     NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createTenant':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.rotateTenantSecret':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.updateTenantSettings':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Query.iceServers':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.activeCalls':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.startCall':
    'FORBIDDEN          NOT_FOUND          NOT_FOUND          FORBIDDEN          NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.answerCall':
    'FORBIDDEN          CONFLICT           NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendCallCandidates':
    'CONFLICT           CONFLICT           NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.renegotiateCall':
    'CONFLICT           CONFLICT           NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.rejectCall':
    'FORBIDDEN          CONFLICT           NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.hangUpCall':
    'CONFLICT           CONFLICT           NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Subscription.chatEvents':
    'replay             ResyncRequired     ResyncRequired     replay             replay             ResyncRequired     ResyncRequired     ResyncRequired     ResyncRequired     closed-4403        closed-4403        closed-4403        closed-4403',
  'Query.myTenantAccess':
    'norole             norole             norole             norole             norole             norole             norole             norole             ADMIN              UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.tenantRoles':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.tenantRoleGrants':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.setTenantRole':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.grantTenantRole':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.deleteMessage (channel)':
    'ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          NOT_FOUND          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.sanctions':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.suspendUser':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.banUser':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.liftSanction':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          false              UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.banTenantUser':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.liftTenantUserSanction':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          false              FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Query.auditLog':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.tenantSafetySettings':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.updateTenantSafetySettings':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.tenantSafetySettingsOf':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.setTenantSafetySettings':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Query.reportReasons':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.myReports':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.reportQueue':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.report':
    'BAD_USER_INPUT     ok                 ok                 ok                 ok                 ok                 ok                 NOT_FOUND          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.actOnReports':
    'NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.disappearingTimers':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.scheduledMessages':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.scheduleMessage':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.scheduleMessage (DM)':
    'ok                 ok                 ok                 NOT_FOUND          NOT_FOUND          BLOCKED            BLOCKED            NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.updateScheduledMessage':
    'ok                 NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.cancelScheduledMessage':
    'NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.bots':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Query.webhooks':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.webhookDeliveries':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createWebhook':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.enableWebhook':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.incomingWebhooks':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createIncomingWebhook':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.revokeIncomingWebhook':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createBot':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.revokeBot':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Query.oidcProviders':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok',
  'Mutation.signInWithOidc':
    'UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED    UNAUTHENTICATED',
  'Query.linkedAccounts':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.linkableProviders':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  // Users of app-issued tokens (no sign-in session) cannot link a provider: FORBIDDEN.
  'Mutation.startOidcLink':
    'NOT_FOUND          NOT_FOUND          FORBIDDEN          FORBIDDEN          FORBIDDEN          NOT_FOUND          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.unlinkAccount':
    'NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.oidcProviderSettings':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.setOidcProvider':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.removeOidcProvider':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.tenantOidcProviders':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.setTenantOidcProvider':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Mutation.removeTenantOidcProvider':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          false              FORBIDDEN          FORBIDDEN          FORBIDDEN',
  'Query.tenantBots':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.createTenantBot':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.revokeTenantBot':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.vapidPublicKey':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.myPushDevices':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.notificationSettings':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.conversationNotificationSettings':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.registerPushDevice':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.registerGatewayDevice':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.unregisterPushDevice':
    'false              false              false              false              false              false              false              false              false              UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.sendTestNotification':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.updateNotificationSettings':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.setConversationNotifications':
    'ok                 NOT_FOUND          NOT_FOUND          ok                 NOT_A_MEMBER       NOT_FOUND          NOT_FOUND          NOT_FOUND          NOT_FOUND          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Query.myNotificationEmail':
    'ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 ok                 UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.setNotificationEmail':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.verifyNotificationEmail':
    'BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.setEmailDigest':
    'BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     BAD_USER_INPUT     UNAUTHENTICATED    UNAUTHENTICATED    TOKEN_EXPIRED      TOKEN_REVOKED',
  'Mutation.updateTenantNotificationOptions':
    'FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          FORBIDDEN          false              FORBIDDEN          FORBIDDEN          FORBIDDEN',
};

const expectedRow = (key: string): Record<Relation, string> => {
  const cells = MATRIX[key]!.trim().split(/\s+/);
  if (cells.length !== RELATIONS.length)
    throw new Error(`matrix row ${key} has ${cells.length} cells, not ${RELATIONS.length}`);
  return Object.fromEntries(RELATIONS.map((r, i) => [r, cells[i]!])) as Record<Relation, string>;
};

const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const secret = newTenantSecret();
const SCHEDULE_AT = new Date(Date.now() + 300 * 86_400_000).toISOString();
const WORD = `matrixword${randomBytes(3).toString('hex')}`;

interface Fixture {
  owner: Session;
  contact: Session;
  stranger: Session;
  member: Session;
  member2: Session;
  former: Session;
  blocked: Session;
  blocker: Session;
  neutral: Session;
  foreigner: Session;
  tadmin: Session;
  /** The owner's message in the owner's channel (tenant admins may delete it). */
  channelMessage: string;
  expiredToken: string;
  revokedToken: string;
  group: string;
  channel: string;
  channelTitle: string;
  message: string;
  editable: string;
  /** The owner's message scheduled far ahead in the group. */
  scheduled: string;
  doomed: string;
  /** The owner's open poll in the group (members vote on it). */
  poll: string;
  /** Another poll of the owner's in the group (the owner closes it). */
  closablePoll: string;
  /** The owner's upload to the group, never sent any bytes. */
  upload: string;
  /** A call the owner made to the contact, declined: over. */
  call: string;
  dms: Map<string, string>; // user id → their DM with the owner
  rotateTenant: string;
  /** A bot of the rotated tenant (operators revoke it). */
  bot: string;
}

type UserRelation = Exclude<Relation, 'operator' | 'none' | 'expired' | 'revoked'>;

interface Row {
  query: string;
  vars: (f: Fixture, caller: Session | null) => Record<string, unknown>;
  /** Names what a successful answer reveals (defaults: Boolean answers → true/false, else ok). */
  label?: (data: Record<string, unknown>, f: Fixture) => string;
  /** The row changes the relations: restore the fixture after it. */
  mutates?: boolean;
}

const dmOf = (f: Fixture, caller: Session | null): string =>
  (caller && f.dms.get(caller.userId)) ?? f.dms.get(f.stranger.userId)!;

const ROWS: Record<string, Row> = {
  'Query.me': { query: '{ me { id } }', vars: () => ({}) },
  'Query.user': {
    query: 'query($id:ID!){ user(id:$id){ id phone presence { status } } }',
    vars: (f) => ({ id: f.owner.userId }),
    label: (d) => {
      const u = d.user as { phone: string | null; presence: { status: string } } | null;
      if (!u) return 'null';
      return `${u.phone ? 'phone' : 'nophone'}+${u.presence.status === 'ONLINE' ? 'presence' : 'nopresence'}`;
    },
  },
  'Query.contacts': { query: '{ contacts(first:5){ edges { cursor } } }', vars: () => ({}) },
  'Query.blockedUsers': { query: '{ blockedUsers { id } }', vars: () => ({}) },
  'Query.conversations': {
    query: '{ conversations(first:50){ edges { node { id } } } }',
    vars: () => ({}),
    label: (d, f) =>
      (d.conversations as { edges: { node: { id: string } }[] }).edges.some(
        (e) => e.node.id === f.group,
      )
        ? 'G'
        : 'noG',
  },
  'Query.formerConversations': {
    query: '{ formerConversations(first:50){ id } }',
    vars: () => ({}),
    label: (d, f) =>
      (d.formerConversations as { id: string }[]).some((c) => c.id === f.group) ? 'G' : 'noG',
  },
  'Query.conversation': {
    query: 'query($c:ID!){ conversation(id:$c){ id } }',
    vars: (f) => ({ c: f.group }),
    label: (d) => (d.conversation ? 'ok' : 'null'),
  },
  'Query.messages': {
    query: 'query($c:ID!){ messages(conversationId:$c, last:5){ edges { node { id } } } }',
    vars: (f) => ({ c: f.group }),
  },
  'Query.conversationNotices': {
    query: 'query($c:ID!){ conversationNotices(conversationId:$c, first:5){ notices { seq } } }',
    vars: (f) => ({ c: f.group }),
  },
  'Query.searchMessages': {
    query: 'query($q:String!){ searchMessages(query:$q){ edges { node { id } } } }',
    vars: () => ({ q: WORD }),
    label: (d, f) =>
      (d.searchMessages as { edges: { node: { id: string } }[] }).edges.some(
        (e) => e.node.id === f.message,
      )
        ? 'hit'
        : 'nohit',
  },
  'Query.channels': {
    query: 'query($q:String){ channels(query:$q){ edges { node { id } } } }',
    vars: (f) => ({ q: f.channelTitle }),
    label: (d, f) =>
      (d.channels as { edges: { node: { id: string } }[] }).edges.some(
        (e) => e.node.id === f.channel,
      )
        ? 'CH'
        : 'noCH',
  },
  'Query.tenants': { query: '{ tenants { id } }', vars: () => ({}) },
  'Query.bots': { query: '{ bots(tenantId: "matrix-rot") { id } }', vars: () => ({}) },
  'Query.webhooks': { query: '{ webhooks { id } }', vars: () => ({}) },
  'Query.webhookDeliveries': {
    query: '{ webhookDeliveries(webhookId: "00000000-0000-4000-8000-000000000000") { id } }',
    vars: () => ({}),
  },
  'Query.incomingWebhooks': { query: '{ incomingWebhooks { id } }', vars: () => ({}) },
  'Mutation.createIncomingWebhook': {
    query: 'mutation($c:ID!){ createIncomingWebhook(conversationId: $c){ path } }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.revokeIncomingWebhook': {
    query: 'mutation{ revokeIncomingWebhook(id: "00000000-0000-4000-8000-000000000000"){ id } }',
    vars: () => ({}),
  },
  'Mutation.enableWebhook': {
    query: 'mutation{ enableWebhook(id: "00000000-0000-4000-8000-000000000000"){ id } }',
    vars: () => ({}),
  },
  'Mutation.createWebhook': {
    query:
      'mutation($c:ID!){ createWebhook(input: { url: "https://hooks.example.com/x", conversationIds: [$c] }){ secret } }',
    vars: (f) => ({ c: f.group }),
  },
  'Query.uploadLimits': { query: '{ uploadLimits { maxBytes usedBytes } }', vars: () => ({}) },
  'Mutation.requestLoginCode': {
    query: 'mutation($p:String!){ requestLoginCode(phone:$p){ sent } }',
    vars: () => ({ p: nextPhone() }),
  },
  'Mutation.verifyLoginCode': {
    query:
      'mutation($p:String!){ verifyLoginCode(phone:$p, code:"000000", name:"Nobody"){ accessToken } }',
    vars: () => ({ p: nextPhone() }),
  },
  'Mutation.refreshSession': {
    query: 'mutation($r:String!){ refreshSession(refreshToken:$r){ accessToken } }',
    vars: () => ({ r: randomBytes(32).toString('base64url') }),
  },
  'Mutation.logout': {
    query: 'mutation($r:String!){ logout(refreshToken:$r) }',
    vars: () => ({ r: randomBytes(32).toString('base64url') }),
  },
  'Mutation.updateProfile': {
    query: 'mutation{ updateProfile(input:{statusText:"in the matrix"}){ id } }',
    vars: () => ({}),
  },
  'Mutation.addContact': {
    query: 'mutation($p:String!){ addContact(phone:$p){ addedAt } }',
    vars: (f) => ({ p: f.owner.phone }),
    mutates: true,
  },
  // O's number has an account in O's tenant (CONFLICT); another tenant's user invites that number
  // into their own tenant, where it has none. Not repeatable: one invitation per number a day.
  'Mutation.sendInvite': {
    query: 'mutation($p:String!){ sendInvite(phone:$p){ sent } }',
    vars: (f) => ({ p: f.owner.phone }),
    mutates: true,
  },
  'Mutation.removeContact': {
    query: 'mutation($u:ID!){ removeContact(userId:$u) }',
    vars: (f) => ({ u: f.owner.userId }),
    mutates: true,
  },
  'Mutation.blockUser': {
    query: 'mutation($u:ID!){ blockUser(userId:$u) }',
    vars: (f) => ({ u: f.owner.userId }),
    mutates: true,
  },
  'Mutation.unblockUser': {
    query: 'mutation($u:ID!){ unblockUser(userId:$u) }',
    vars: (f) => ({ u: f.owner.userId }),
    mutates: true,
  },
  'Mutation.openDirectConversation': {
    query: 'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
    vars: (f) => ({ u: f.owner.userId }),
  },
  'Mutation.acceptMessageRequest': {
    query: 'mutation($c:ID!){ acceptMessageRequest(conversationId:$c){ id } }',
    vars: (f) => ({ c: f.dms.get(f.stranger.userId) }),
    mutates: true,
  },
  'Mutation.declineMessageRequest': {
    query: 'mutation($c:ID!){ declineMessageRequest(conversationId:$c){ id } }',
    vars: (f) => ({ c: f.dms.get(f.stranger.userId) }),
    mutates: true,
  },
  'Mutation.createGroup': {
    query:
      'mutation($m:[ID!]!){ createGroup(input:{title:"Matrix side group", memberIds:$m}){ id } }',
    vars: (f) => ({ m: [f.owner.userId] }),
  },
  'Mutation.createChannel': {
    // Channel names are unique per tenant: every call names a new one.
    query: 'mutation($t:String!){ createChannel(input:{title:$t}){ id } }',
    vars: () => ({ t: `Matrix side channel ${randomBytes(6).toString('hex')}` }),
  },
  'Mutation.joinChannel': {
    query: 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }',
    vars: (f) => ({ c: f.channel }),
  },
  'Mutation.addMembers': {
    query: 'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
    vars: (f) => ({ c: f.group, u: [f.neutral.userId] }),
    mutates: true,
  },
  'Mutation.removeMember': {
    query: 'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
    vars: (f) => ({ c: f.group, u: f.member2.userId }),
    mutates: true,
  },
  'Mutation.setMemberRole': {
    query:
      'mutation($c:ID!,$u:ID!){ setMemberRole(conversationId:$c, userId:$u, role:ADMIN){ id } }',
    vars: (f) => ({ c: f.group, u: f.member2.userId }),
    mutates: true,
  },
  'Mutation.updateConversation': {
    query:
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"Matrix group"}){ id } }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.leaveConversation': {
    query: 'mutation($c:ID!){ leaveConversation(conversationId:$c) }',
    vars: (f) => ({ c: f.group }),
    mutates: true,
  },
  'Mutation.sendMessage': {
    query:
      'mutation($c:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"matrix says hi"}){ id } }',
    vars: (f) => ({ c: f.group, k: `m-${randomBytes(6).toString('hex')}` }),
  },
  'Mutation.sendMessage (DM)': {
    query:
      'mutation($c:ID!,$k:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"matrix says hi"}){ id } }',
    vars: (f, caller) => ({ c: dmOf(f, caller), k: `d-${randomBytes(6).toString('hex')}` }),
    mutates: true,
  },
  'Mutation.editMessage': {
    query: 'mutation($id:ID!){ editMessage(id:$id, body:"edited by the matrix"){ id } }',
    vars: (f) => ({ id: f.editable }),
  },
  'Mutation.deleteMessage': {
    query: 'mutation($id:ID!){ deleteMessage(id:$id){ id } }',
    vars: (f) => ({ id: f.doomed }),
  },
  'Mutation.removeLinkPreview': {
    query: 'mutation($id:ID!){ removeLinkPreview(messageId:$id){ id } }',
    vars: (f) => ({ id: f.editable }),
  },
  'Mutation.addReaction': {
    query: 'mutation($id:ID!){ addReaction(messageId:$id, emoji:"👍"){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.removeReaction': {
    query: 'mutation($id:ID!){ removeReaction(messageId:$id, emoji:"👍"){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.sendPoll': {
    query:
      'mutation($c:ID!,$k:String!){ sendPoll(input:{conversationId:$c, clientMessageId:$k, question:"Matrix?", options:["yes","no"]}){ id } }',
    vars: (f) => ({ c: f.group, k: `p-${randomBytes(6).toString('hex')}` }),
  },
  'Mutation.votePoll': {
    query: 'mutation($id:ID!){ votePoll(messageId:$id, optionIds:["0"]){ id } }',
    vars: (f) => ({ id: f.poll }),
  },
  'Mutation.closePoll': {
    query: 'mutation($id:ID!){ closePoll(messageId:$id){ id } }',
    vars: (f) => ({ id: f.closablePoll }),
  },
  'Mutation.markRead': {
    query: 'mutation($c:ID!){ markRead(conversationId:$c, seq:1){ id } }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.markDelivered': {
    query: 'mutation($c:ID!){ markDelivered(conversationId:$c, seq:1) }',
    vars: (f) => ({ c: f.group }),
  },
  'Query.threadReplies': {
    query: 'query($id:ID!){ threadReplies(rootId:$id, first:5){ edges { node { id } } } }',
    vars: (f) => ({ id: f.message }),
  },
  'Query.followedThreads': {
    query: '{ followedThreads(first:5){ edges { node { id } } } }',
    vars: () => ({}),
  },
  'Query.starredMessages': {
    query: '{ starredMessages(first:5){ edges { node { id } } } }',
    vars: () => ({}),
  },
  'Mutation.sendMessage (thread)': {
    query:
      'mutation($c:ID!,$k:String!,$r:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:"matrix in a thread", threadRootId:$r}){ id } }',
    vars: (f) => ({ c: f.group, k: `t-${randomBytes(6).toString('hex')}`, r: f.message }),
  },
  'Mutation.forwardMessage': {
    query:
      'mutation($id:ID!,$c:ID!,$k:String!){ forwardMessage(input:{messageId:$id, conversationId:$c, clientMessageId:$k}){ id } }',
    vars: (f) => ({ id: f.message, c: f.group, k: `f-${randomBytes(6).toString('hex')}` }),
  },
  'Mutation.followThread': {
    query: 'mutation($id:ID!){ followThread(rootId:$id){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.unfollowThread': {
    query: 'mutation($id:ID!){ unfollowThread(rootId:$id){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.markThreadRead': {
    query: 'mutation($id:ID!){ markThreadRead(rootId:$id){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.starMessage': {
    query: 'mutation($id:ID!){ starMessage(messageId:$id){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.unstarMessage': {
    query: 'mutation($id:ID!){ unstarMessage(messageId:$id){ id } }',
    vars: (f) => ({ id: f.message }),
  },
  'Mutation.setTyping': {
    query: 'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.createUpload': {
    query:
      'mutation($c:ID!){ createUpload(input:{conversationId:$c, fileName:"matrix.txt", byteSize:5, contentType:"text/plain"}){ attachment { id } } }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.finalizeUpload': {
    query: 'mutation($id:ID!){ finalizeUpload(id:$id){ id } }',
    vars: (f) => ({ id: f.upload }),
  },
  'Mutation.createTenant': {
    query: 'mutation($id:ID!){ createTenant(id:$id, name:"Matrix tenant"){ signingSecret } }',
    vars: () => ({ id: `mx-${randomBytes(4).toString('hex')}` }),
  },
  'Mutation.rotateTenantSecret': {
    query: 'mutation($id:ID!){ rotateTenantSecret(id:$id){ signingSecret } }',
    vars: (f) => ({ id: f.rotateTenant }),
  },
  'Mutation.createBot': {
    query:
      'mutation{ createBot(tenantId: "matrix-rot", name: "Matrix bot", scopes: [READ]){ bot { id } } }',
    vars: () => ({}),
  },
  'Mutation.revokeBot': {
    query: 'mutation($id:ID!){ revokeBot(tenantId: "matrix-rot", id: $id){ id } }',
    vars: (f) => ({ id: f.bot }),
  },
  'Query.tenantBots': { query: '{ tenantBots { id } }', vars: () => ({}) },
  'Mutation.createTenantBot': {
    query: 'mutation{ createTenantBot(name: "Matrix tenant bot", scopes: [READ]){ bot { id } } }',
    vars: () => ({}),
  },
  'Mutation.revokeTenantBot': {
    query: 'mutation($id:ID!){ revokeTenantBot(id: $id){ id } }',
    vars: (f) => ({ id: f.bot }),
  },
  'Mutation.updateTenantSettings': {
    query: 'mutation($id:ID!){ updateTenantSettings(id:$id, phoneSignUp:true){ id phoneSignUp } }',
    vars: (f) => ({ id: f.rotateTenant }),
  },
  'Query.oidcProviders': { query: '{ oidcProviders { id } }', vars: () => ({}) },
  'Mutation.signInWithOidc': {
    query: 'mutation{ signInWithOidc(code: "not-a-code"){ accessToken } }',
    vars: () => ({}),
  },
  'Query.linkedAccounts': { query: '{ linkedAccounts { providerId } }', vars: () => ({}) },
  'Query.linkableProviders': { query: '{ linkableProviders { id } }', vars: () => ({}) },
  'Mutation.startOidcLink': {
    query: 'mutation{ startOidcLink(provider: "nope") }',
    vars: () => ({}),
  },
  'Mutation.unlinkAccount': {
    query: 'mutation{ unlinkAccount(provider: "nope") }',
    vars: () => ({}),
  },
  'Query.oidcProviderSettings': { query: '{ oidcProviderSettings { id } }', vars: () => ({}) },
  'Mutation.setOidcProvider': {
    query:
      'mutation{ setOidcProvider(input: { id: "matrix", displayName: "Matrix", issuer: "https://id.example.com", clientId: "c", clientSecret: "s" }){ id } }',
    vars: () => ({}),
  },
  'Mutation.removeOidcProvider': {
    query: 'mutation{ removeOidcProvider(id: "nope") }',
    vars: () => ({}),
  },
  'Query.tenantOidcProviders': {
    query: 'query($t:ID!){ tenantOidcProviders(tenantId:$t){ id } }',
    vars: (f) => ({ t: f.rotateTenant }),
  },
  'Mutation.setTenantOidcProvider': {
    query:
      'mutation($t:ID!){ setTenantOidcProvider(tenantId:$t, input: { id: "matrix", displayName: "Matrix", issuer: "https://id.example.com", clientId: "c", clientSecret: "s" }){ id } }',
    vars: (f) => ({ t: f.rotateTenant }),
  },
  'Mutation.removeTenantOidcProvider': {
    query: 'mutation($t:ID!){ removeTenantOidcProvider(tenantId:$t, id: "nope") }',
    vars: (f) => ({ t: f.rotateTenant }),
  },
  'Query.vapidPublicKey': { query: '{ vapidPublicKey }', vars: () => ({}) },
  'Query.myPushDevices': { query: '{ myPushDevices { id } }', vars: () => ({}) },
  'Query.notificationSettings': {
    query: '{ notificationSettings { delaySeconds } }',
    vars: () => ({}),
  },
  'Query.conversationNotificationSettings': {
    query: 'query($c:ID!){ conversationNotificationSettings(conversationId:$c){ level } }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.registerPushDevice': {
    query:
      'mutation($e:String!,$k:String!,$a:String!){ registerPushDevice(input:{endpoint:$e, p256dh:$k, auth:$a}){ id } }',
    // A public address (no DNS needed): the endpoint check refuses private and reserved ranges.
    vars: () => ({
      e: `https://93.184.216.34/send/${randomBytes(8).toString('hex')}`,
      k: pushKey(),
      a: randomBytes(16).toString('base64url'),
    }),
    mutates: true,
  },
  // Refused while no push gateway is configured (PUSH_GATEWAY_URL), as here.
  'Mutation.registerGatewayDevice': {
    query:
      'mutation($k:String!){ registerGatewayDevice(input:{appId:"org.example.chat", pushkey:$k}){ id } }',
    vars: () => ({ k: randomBytes(16).toString('hex') }),
    mutates: true,
  },
  'Mutation.unregisterPushDevice': {
    query: 'mutation($id:ID!){ unregisterPushDevice(id:$id) }',
    vars: () => ({ id: randomBytes(8).toString('hex') }),
  },
  'Mutation.sendTestNotification': { query: 'mutation{ sendTestNotification }', vars: () => ({}) },
  // No SMTP in this API: setting an address is FORBIDDEN, and nothing is there to verify or switch.
  'Query.myNotificationEmail': {
    query: '{ myNotificationEmail { available verified } }',
    vars: () => ({}),
  },
  'Mutation.setNotificationEmail': {
    query: 'mutation{ setNotificationEmail(email:"matrix@example.com"){ address } }',
    vars: () => ({}),
  },
  'Mutation.verifyNotificationEmail': {
    query: 'mutation{ verifyNotificationEmail(code:"123456"){ verified } }',
    vars: () => ({}),
  },
  'Mutation.setEmailDigest': {
    query: 'mutation{ setEmailDigest(enabled:false){ emailDigest } }',
    vars: () => ({}),
  },
  'Mutation.updateNotificationSettings': {
    query: 'mutation{ updateNotificationSettings(input:{delaySeconds:60}){ delaySeconds } }',
    vars: () => ({}),
  },
  'Mutation.setConversationNotifications': {
    query:
      'mutation($c:ID!){ setConversationNotifications(input:{conversationId:$c, level:MENTIONS}){ level } }',
    vars: (f) => ({ c: f.group }),
  },
  // Operators only; answers whether the option changed (here it was already off).
  'Mutation.updateTenantNotificationOptions': {
    query: 'mutation($id:ID!){ updateTenantNotificationOptions(id:$id, omitMessageText:false) }',
    vars: (f) => ({ id: f.rotateTenant }),
  },
  'Query.iceServers': { query: '{ iceServers { turnConfigured } }', vars: () => ({}) },
  'Query.activeCalls': { query: '{ activeCalls { id } }', vars: () => ({}) },
  'Mutation.startCall': {
    // On the group: members learn calls are for direct conversations only, others nothing.
    query: 'mutation($c:ID!){ startCall(conversationId:$c, media:VOICE, sdp:"v=0\\r\\n"){ id } }',
    vars: (f) => ({ c: f.group }),
  },
  'Mutation.answerCall': {
    query: 'mutation($id:ID!){ answerCall(callId:$id, sdp:"v=0\\r\\n"){ id } }',
    vars: (f) => ({ id: f.call }),
  },
  'Mutation.sendCallCandidates': {
    query: 'mutation($id:ID!){ sendCallCandidates(callId:$id, candidates:["{}"]){ id } }',
    vars: (f) => ({ id: f.call }),
  },
  'Mutation.renegotiateCall': {
    query: 'mutation($id:ID!){ renegotiateCall(callId:$id, sdp:"v=0\\r\\n", sdpType:offer){ id } }',
    vars: (f) => ({ id: f.call }),
  },
  'Mutation.rejectCall': {
    query: 'mutation($id:ID!){ rejectCall(callId:$id){ id } }',
    vars: (f) => ({ id: f.call }),
  },
  'Mutation.hangUpCall': {
    query: 'mutation($id:ID!){ hangUpCall(callId:$id){ id } }',
    vars: (f) => ({ id: f.call }),
  },
  'Query.myTenantAccess': {
    query: '{ myTenantAccess { role } }',
    vars: () => ({}),
    label: (d) => (d.myTenantAccess as { role: string | null }).role ?? 'norole',
  },
  'Query.tenantRoles': { query: '{ tenantRoles { userId role } }', vars: () => ({}) },
  'Query.tenantRoleGrants': {
    query: 'query($t:ID!){ tenantRoleGrants(tenantId:$t){ userId } }',
    vars: () => ({ t: 'default' }),
  },
  'Mutation.setTenantRole': {
    query: 'mutation($u:ID!){ setTenantRole(userId:$u, role:ADMIN){ role } }',
    vars: (f) => ({ u: f.owner.userId }),
  },
  'Mutation.grantTenantRole': {
    // Takes away a role the neutral user never had: allowed or refused, nothing changes.
    query: 'mutation($t:ID!,$u:ID!){ grantTenantRole(tenantId:$t, userId:$u, role:null){ role } }',
    vars: (f) => ({ t: 'default', u: f.neutral.userId }),
  },
  'Mutation.deleteMessage (channel)': {
    query: 'mutation($id:ID!){ deleteMessage(id:$id){ id } }',
    vars: (f) => ({ id: f.channelMessage }),
  },
  'Query.sanctions': { query: '{ sanctions { userId } }', vars: () => ({}) },
  'Query.auditLog': {
    query: '{ auditLog(first: 5){ edges { node { action } } } }',
    vars: () => ({}),
  },
  // Sanctions name the neutral user (no other row depends on them); the fixture lifts them after.
  'Mutation.suspendUser': {
    query: 'mutation($u:ID!,$t:DateTime!){ suspendUser(userId:$u, until:$t){ kind } }',
    vars: (f) => ({ u: f.neutral.userId, t: new Date(Date.now() + 600_000).toISOString() }),
    mutates: true,
  },
  'Mutation.banUser': {
    query: 'mutation($u:ID!){ banUser(userId:$u){ removedMessages } }',
    vars: (f) => ({ u: f.neutral.userId }),
    mutates: true,
  },
  'Mutation.liftSanction': {
    query: 'mutation($u:ID!){ liftSanction(userId:$u) }',
    vars: (f) => ({ u: f.neutral.userId }),
  },
  'Mutation.banTenantUser': {
    query: 'mutation($u:ID!){ banTenantUser(tenantId:"default", userId:$u){ removedMessages } }',
    vars: (f) => ({ u: f.neutral.userId }),
    mutates: true,
  },
  'Mutation.liftTenantUserSanction': {
    query: 'mutation($u:ID!){ liftTenantUserSanction(tenantId:"default", userId:$u) }',
    vars: (f) => ({ u: f.neutral.userId }),
  },
  'Query.tenantSafetySettings': {
    query: '{ tenantSafetySettings { wordFilterMode channelCreation } }',
    vars: () => ({}),
  },
  // Sets the default policy again: allowed or refused, nothing changes.
  'Mutation.updateTenantSafetySettings': {
    query:
      'mutation{ updateTenantSafetySettings(input:{channelCreation:EVERYONE}){ channelCreation } }',
    vars: () => ({}),
  },
  'Query.tenantSafetySettingsOf': {
    query: '{ tenantSafetySettingsOf(tenantId:"default"){ wordFilterMode } }',
    vars: () => ({}),
  },
  'Mutation.setTenantSafetySettings': {
    query:
      'mutation{ setTenantSafetySettings(tenantId:"default", input:{channelCreation:EVERYONE}){ channelCreation } }',
    vars: () => ({}),
  },
  'Query.reportReasons': { query: '{ reportReasons }', vars: () => ({}) },
  'Query.myReports': { query: '{ myReports { id } }', vars: () => ({}) },
  'Query.reportQueue': { query: '{ reportQueue { targetUserId } }', vars: () => ({}) },
  'Mutation.report': {
    query: 'mutation($u:ID!){ report(input:{userId:$u, reason:"spam"}){ id } }',
    vars: (f) => ({ u: f.owner.userId }),
  },
  'Query.disappearingTimers': { query: '{ disappearingTimers }', vars: () => ({}) },
  'Query.scheduledMessages': {
    query: 'query($c:ID!){ scheduledMessages(conversationId:$c){ id } }',
    vars: (f) => ({ c: f.group }),
  },
  // Far ahead, so nothing the matrix schedules fires during the run.
  'Mutation.scheduleMessage': {
    query:
      'mutation($c:ID!,$k:String!,$t:DateTime!){ scheduleMessage(input:{conversationId:$c, clientMessageId:$k, body:"later", sendAt:$t}){ id } }',
    vars: (f) => ({ c: f.group, k: `sm-${randomBytes(6).toString('hex')}`, t: SCHEDULE_AT }),
  },
  'Mutation.scheduleMessage (DM)': {
    query:
      'mutation($c:ID!,$k:String!,$t:DateTime!){ scheduleMessage(input:{conversationId:$c, clientMessageId:$k, body:"later", sendAt:$t}){ id } }',
    vars: (f, caller) => ({
      c: dmOf(f, caller),
      k: `sm-${randomBytes(6).toString('hex')}`,
      t: SCHEDULE_AT,
    }),
  },
  // The owner's scheduled message: only its sender sees or changes it.
  'Mutation.updateScheduledMessage': {
    query: 'mutation($id:ID!){ updateScheduledMessage(input:{id:$id, body:"edited later"}){ id } }',
    vars: (f) => ({ id: f.scheduled }),
  },
  // Nobody's scheduled message: the same NOT_FOUND for everyone.
  'Mutation.cancelScheduledMessage': {
    query: 'mutation{ cancelScheduledMessage(id: "00000000-0000-4000-8000-000000000000") }',
    vars: () => ({}),
  },
  // Acting on reports about the neutral user, whom nobody reported: nothing to act on, for anyone.
  'Mutation.actOnReports': {
    query: 'mutation($u:ID!){ actOnReports(input:{userId:$u, action:DISMISS}){ id } }',
    vars: (f) => ({ u: f.neutral.userId }),
  },
};

const CHAT_EVENTS =
  'subscription($s:[ConversationCursorInput!]){ chatEvents(since:$s){ __typename ... on MessageAdded { message { conversationId } } ... on MembershipChanged { conversation { id } } ... on ResyncRequired { conversationId } } }';

describe('authorization matrix: every operation × every relation', () => {
  let api: ApiProcess;
  let f: Fixture;
  let schema: GraphQLSchema;
  const sockets: { dispose(): Promise<void> | void }[] = [];
  const actual = new Map<string, Record<string, string>>();
  let cellNo = 0;

  const admin = { 'x-admin-token': ADMIN_TOKEN };
  /** Every cell comes from its own client address, so per-address limits never decide a cell. */
  const nextAddress = () => {
    cellNo++;
    return { 'x-forwarded-for': `10.${(cellNo >> 8) & 255}.${cellNo & 255}.7` };
  };

  beforeAll(async () => {
    api = await startBuiltApi({
      ADMIN_TOKEN,
      DEFAULT_TENANT_SECRET: secret,
      TRUST_PROXY: 'loopback',
      PRESENCE_TTL_MS: '60000',
    });
    const introspection = await gql<IntrospectionQuery>(api, getIntrospectionQuery());
    schema = introspection.data
      ? buildClientSchema(introspection.data)
      : buildSchema(readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8'));

    const [owner, contact, blocked] = [
      await signUp(api, 'Owner'),
      await signUp(api, 'Contact'),
      await signUp(api, 'Blocked'),
    ];
    const app = (name: string) => appUser(api, name, secret);
    const [stranger, member, member2, former, blocker, neutral] = await Promise.all(
      ['Stranger', 'Member', 'Member Two', 'Former', 'Blocker', 'Neutral'].map(app),
    );
    const foreignSecret = (
      await gql(
        api,
        'mutation{ createTenant(id:"matrix-acme", name:"Acme"){ signingSecret } }',
        {},
        undefined,
        admin,
      )
    ).data!.createTenant.signingSecret as string;
    await gql(
      api,
      'mutation{ createTenant(id:"matrix-rot", name:"Rotated"){ signingSecret } }',
      {},
      undefined,
      admin,
    );
    const bot = (
      await gql(
        api,
        'mutation{ createBot(tenantId:"matrix-rot", name:"Revocable", scopes:[READ]){ bot { id } } }',
        {},
        undefined,
        admin,
      )
    ).data!.createBot.bot.id as string;
    const foreigner = await appUser(api, 'Foreigner', foreignSecret, 'matrix-acme');
    const tadmin = await app('Tenant Admin');
    const granted = await gql(
      api,
      'mutation($u:ID!){ grantTenantRole(tenantId:"default", userId:$u, role:ADMIN){ role } }',
      { u: tadmin.userId },
      undefined,
      admin,
    );
    expect(granted.data).toEqual({ grantTenantRole: { role: 'ADMIN' } });

    const second = await logIn(api, owner.phone);
    await ok(api, 'mutation($r:String!){ logout(refreshToken:$r) }', { r: second.refreshToken });
    const expiredToken = await appToken(secret, 'matrix-expired', { expiresIn: -120 });

    const add = (who: Session, phone: string) =>
      ok(
        api,
        'mutation($p:String!){ addContact(phone:$p){ addedAt } }',
        { p: phone },
        who.accessToken,
      );
    await add(owner, contact.phone);
    await add(contact, owner.phone);
    await add(owner, blocked.phone);

    const channelTitle = `Matrix lounge ${randomBytes(3).toString('hex')}`;
    const group = (
      await ok(
        api,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Matrix group", memberIds:$m, historyVisibility: FULL}){ id } }',
        { m: [member.userId, member2.userId, former.userId] },
        owner.accessToken,
      )
    ).createGroup.id as string;
    await ok(
      api,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: group, u: former.userId },
      owner.accessToken,
    );
    const channel = (
      await ok(
        api,
        'mutation($t:String!){ createChannel(input:{title:$t}){ id } }',
        { t: channelTitle },
        owner.accessToken,
      )
    ).createChannel.id as string;
    const send = async (who: Session, c: string, body: string) =>
      (
        await ok(
          api,
          'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id } }',
          { c, k: `s-${randomBytes(6).toString('hex')}`, b: body },
          who.accessToken,
        )
      ).sendMessage.id as string;
    const message = await send(owner, group, `${WORD} hello group`);
    const editable = await send(owner, group, 'this one will be edited');
    const doomed = await send(owner, group, 'this one will be deleted');
    const scheduled = (
      await ok(
        api,
        'mutation($c:ID!,$t:DateTime!){ scheduleMessage(input:{conversationId:$c, clientMessageId:"matrix-scheduled", body:"later", sendAt:$t}){ id } }',
        { c: group, t: SCHEDULE_AT },
        owner.accessToken,
      )
    ).scheduleMessage.id as string;
    const sendPoll = async (question: string) =>
      (
        await ok(
          api,
          'mutation($c:ID!,$k:String!,$q:String!){ sendPoll(input:{conversationId:$c, clientMessageId:$k, question:$q, options:["yes","no"]}){ id } }',
          { c: group, k: `p-${randomBytes(6).toString('hex')}`, q: question },
          owner.accessToken,
        )
      ).sendPoll.id as string;
    const poll = await sendPoll('Vote?');
    const closablePoll = await sendPoll('Close?');
    const channelMessage = await send(owner, channel, 'a message in the channel');
    const upload = (
      await ok(
        api,
        'mutation($c:ID!){ createUpload(input:{conversationId:$c, fileName:"owner.txt", byteSize:5, contentType:"text/plain"}){ attachment { id } } }',
        { c: group },
        owner.accessToken,
      )
    ).createUpload.attachment.id as string;

    const dms = new Map<string, string>();
    for (const who of [stranger, contact, blocked, blocker]) {
      const dm = (
        await ok(
          api,
          'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
          { u: owner.userId },
          who.accessToken,
        )
      ).openDirectConversation.id as string;
      await send(who, dm, 'hi');
      dms.set(who.userId, dm);
    }
    const call = (
      await ok(
        api,
        'mutation($c:ID!){ startCall(conversationId:$c, media:VOICE, sdp:"v=0\\r\\n"){ id } }',
        { c: dms.get(contact.userId) },
        owner.accessToken,
      )
    ).startCall.id as string;
    await ok(
      api,
      'mutation($id:ID!){ rejectCall(callId:$id){ id } }',
      { id: call },
      contact.accessToken,
    );
    await ok(
      api,
      'mutation($u:ID!){ blockUser(userId:$u) }',
      { u: blocked.userId },
      owner.accessToken,
    );
    await ok(
      api,
      'mutation($u:ID!){ blockUser(userId:$u) }',
      { u: owner.userId },
      blocker.accessToken,
    );

    await ok(
      api,
      'mutation{ updateProfile(input:{presencePrivacy:CONTACTS}){ id } }',
      {},
      owner.accessToken,
    );
    sockets.push(wsClient(api, owner.accessToken));
    for (let i = 0; ; i++) {
      const seen = await ok(
        api,
        'query($id:ID!){ user(id:$id){ presence { status } } }',
        { id: owner.userId },
        contact.accessToken,
      );
      if (seen.user.presence.status === 'ONLINE') break;
      if (i > 200) throw new Error('the owner never came online');
      await new Promise((r) => setTimeout(r, 50));
    }

    f = {
      owner,
      contact,
      stranger,
      member,
      member2,
      former,
      blocked,
      blocker,
      neutral,
      foreigner,
      tadmin,
      channelMessage,
      expiredToken,
      revokedToken: second.accessToken,
      group,
      channel,
      channelTitle,
      message,
      editable,
      scheduled,
      doomed,
      poll,
      closablePoll,
      upload,
      call,
      dms,
      rotateTenant: 'matrix-rot',
      bot,
    };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const callerOf = (r: Relation): Session | null =>
    ({
      self: f.owner,
      contact: f.contact,
      stranger: f.stranger,
      member: f.member,
      former: f.former,
      blocked: f.blocked,
      blocker: f.blocker,
      tenant: f.foreigner,
      tadmin: f.tadmin,
    })[r as UserRelation] ?? null;
  const tokenOf = (r: Relation): string | undefined =>
    r === 'expired' ? f.expiredToken : r === 'revoked' ? f.revokedToken : callerOf(r)?.accessToken;

  const outcome = (result: GqlResult, row: Row): string => {
    if (result.errors?.length) return String(result.errors[0]!.extensions?.code ?? 'no-code');
    const data = (result.data ?? {}) as Record<string, unknown>;
    if (row.label) return row.label(data, f);
    const value = Object.values(data)[0];
    return typeof value === 'boolean' ? String(value) : 'ok';
  };

  /** Puts the relations back as the fixture defines them, after a row that changed them. */
  async function restore(): Promise<void> {
    const lifted = await gql(
      api,
      'mutation($u:ID!){ liftTenantUserSanction(tenantId:"default", userId:$u) }',
      { u: f.neutral.userId },
      undefined,
      admin,
    );
    expect(lifted.errors).toBeUndefined();
    const o = f.owner;
    const everyone = [
      f.contact,
      f.stranger,
      f.member,
      f.member2,
      f.former,
      f.blocked,
      f.blocker,
      f.neutral,
      f.tadmin,
    ];
    const ownerContacts = new Set([f.contact.userId, f.blocked.userId]);
    const hasOwner = new Set([
      f.contact.userId,
      f.stranger.userId,
      f.blocked.userId,
      f.blocker.userId,
    ]);
    const blocksOf = new Map([
      [o.userId, [f.blocked.userId]],
      [f.blocker.userId, [o.userId]],
    ]);
    const contactIds = async (s: Session) =>
      (
        await ok(
          api,
          '{ contacts(first:100){ edges { node { user { id } } } } }',
          {},
          s.accessToken,
        )
      ).contacts.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id) as string[];
    const blockedIds = async (s: Session) =>
      (await ok(api, '{ blockedUsers { id } }', {}, s.accessToken)).blockedUsers.map(
        (u: { id: string }) => u.id,
      ) as string[];
    const phones = new Map([
      [f.contact.userId, f.contact.phone],
      [f.blocked.userId, f.blocked.phone],
    ]);

    await Promise.all(
      [o, ...everyone].map(async (s) => {
        const want = blocksOf.get(s.userId) ?? [];
        const have = await blockedIds(s);
        for (const id of have.filter((id) => !want.includes(id)))
          await ok(api, 'mutation($u:ID!){ unblockUser(userId:$u) }', { u: id }, s.accessToken);
        for (const id of want.filter((id) => !have.includes(id)))
          await ok(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: id }, s.accessToken);
        const contacts = await contactIds(s);
        if (s === o) {
          for (const id of contacts.filter((id) => !ownerContacts.has(id)))
            await ok(api, 'mutation($u:ID!){ removeContact(userId:$u) }', { u: id }, o.accessToken);
          for (const id of [...ownerContacts].filter((id) => !contacts.includes(id)))
            await ok(
              api,
              'mutation($p:String!){ addContact(phone:$p){ addedAt } }',
              { p: phones.get(id) },
              o.accessToken,
            );
        } else if (hasOwner.has(s.userId) !== contacts.includes(o.userId)) {
          if (hasOwner.has(s.userId))
            await ok(
              api,
              'mutation($p:String!){ addContact(phone:$p){ addedAt } }',
              { p: o.phone },
              s.accessToken,
            );
          else
            await ok(
              api,
              'mutation($u:ID!){ removeContact(userId:$u) }',
              { u: o.userId },
              s.accessToken,
            );
        }
      }),
    );
    const members = (
      await ok(
        api,
        'query($c:ID!){ conversation(id:$c){ members(first:100){ edges { node { role user { id } } } } } }',
        { c: f.group },
        o.accessToken,
      )
    ).conversation.members.edges.map((e: { node: { role: string; user: { id: string } } }) => ({
      id: e.node.user.id,
      role: e.node.role,
    })) as { id: string; role: string }[];
    const wanted = new Map([
      [o.userId, 'OWNER'],
      [f.member.userId, 'MEMBER'],
      [f.member2.userId, 'MEMBER'],
    ]);
    for (const m of members.filter((m) => !wanted.has(m.id)))
      await ok(
        api,
        'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
        { c: f.group, u: m.id },
        o.accessToken,
      );
    const missing = [...wanted.keys()].filter((id) => !members.some((m) => m.id === id));
    if (missing.length)
      await ok(
        api,
        'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
        { c: f.group, u: missing },
        o.accessToken,
      );
    for (const m of members.filter((m) => wanted.has(m.id) && wanted.get(m.id) !== m.role))
      await ok(
        api,
        'mutation($c:ID!,$u:ID!,$r:MemberRole!){ setMemberRole(conversationId:$c, userId:$u, role:$r){ id } }',
        { c: f.group, u: m.id, r: wanted.get(m.id) },
        o.accessToken,
      );
  }

  /** chatEvents resuming G from seq 0: what the first thing the socket gets says. */
  async function subscribeOutcome(token: string | undefined): Promise<string> {
    let settle!: (value: string) => void;
    const settled = new Promise<string>((resolve) => (settle = resolve));
    const client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: false,
      on: { closed: (event) => settle(`closed-${(event as { code?: number }).code ?? '?'}`) },
    });
    const timer = setTimeout(() => settle('silent'), 10_000);
    const stop = client.subscribe<{
      chatEvents: {
        __typename: string;
        conversationId?: string;
        message?: { conversationId: string };
        conversation?: { id: string };
      };
    }>(
      { query: CHAT_EVENTS, variables: { s: [{ conversationId: f.group, afterSeq: 0 }] } },
      {
        next: (value) => {
          const event = value.data?.chatEvents;
          if (value.errors?.length) settle(String(value.errors[0]!.extensions?.code ?? 'error'));
          else if (
            (event?.__typename === 'MessageAdded' && event.message?.conversationId === f.group) ||
            (event?.__typename === 'MembershipChanged' && event.conversation?.id === f.group)
          )
            settle('replay');
          else if (event?.__typename === 'ResyncRequired' && event.conversationId === f.group)
            settle(event.__typename);
        },
        error: (error) =>
          settle(
            Array.isArray(error)
              ? String(error[0]?.extensions?.code ?? 'error')
              : `closed-${(error as { code?: number }).code ?? '?'}`,
          ),
        complete: () => settle('complete'),
      },
    );
    const result = await settled;
    clearTimeout(timer);
    stop();
    await client.dispose();
    return result;
  }

  it('has a row for every operation of the schema, and no row for an operation that does not exist', () => {
    const operations = (['Query', 'Mutation', 'Subscription'] as const).flatMap((root) => {
      const type = schema.getType(root) as GraphQLObjectType | undefined;
      return type ? Object.keys(type.getFields()).map((name) => `${root}.${name}`) : [];
    });
    expect(operations.length).toBeGreaterThan(40);
    const rowOps = new Set(Object.keys(MATRIX).map((key) => key.replace(/ \(.*\)$/, '')));
    const missing = operations.filter((op) => !rowOps.has(op));
    expect(
      missing,
      `operations without an authorization decision: add a row to MATRIX for ${missing.join(', ')}`,
    ).toEqual([]);
    expect([...rowOps].filter((op) => !operations.includes(op))).toEqual([]);
    for (const key of Object.keys(MATRIX)) {
      expectedRow(key);
      if (!key.startsWith('Subscription.'))
        expect(ROWS[key], `no request for ${key}`).toBeDefined();
    }
  });

  it('knows every role of the schema: a new conversation or tenant role must be decided here', () => {
    const values = (name: string) => {
      const type = schema.getType(name);
      return isEnumType(type)
        ? type
            .getValues()
            .map((v) => v.name)
            .sort()
        : [];
    };
    expect(values('MemberRole')).toEqual(['ADMIN', 'MEMBER', 'MODERATOR', 'OWNER']);
    expect(values('TenantRole')).toEqual(['ADMIN', 'OWNER']);
    const user = schema.getType('User') as GraphQLObjectType;
    expect(
      Object.keys(user.getFields()).filter((name) => /role|admin|permission/i.test(name)),
    ).toEqual([]);
    for (const key of Object.keys(MATRIX)) expect(expectedRow(key).tadmin).not.toBe('n/a');
  });

  it('answers every cell as the matrix says', async () => {
    const cell = async (key: string, relation: Relation): Promise<string> => {
      if (key === 'Subscription.chatEvents')
        return subscribeOutcome(
          relation === 'operator' || relation === 'none' ? undefined : tokenOf(relation),
        );
      const row = ROWS[key]!;
      const headers = { ...nextAddress(), ...(relation === 'operator' ? admin : {}) };
      return outcome(
        await gql(api, row.query, row.vars(f, callerOf(relation)), tokenOf(relation), headers),
        row,
      );
    };
    for (const key of Object.keys(MATRIX)) {
      const got: Record<string, string> = {};
      if (ROWS[key]?.mutates) {
        // One relation after the other (each may change what the next one meets), then restore.
        for (const relation of RELATIONS) got[relation] = await cell(key, relation);
        await restore();
      } else {
        // Each relation is a different caller: their cells run side by side.
        const answers = await Promise.all(RELATIONS.map((relation) => cell(key, relation)));
        RELATIONS.forEach((relation, i) => (got[relation] = answers[i]!));
      }
      actual.set(key, got);
    }
    const differences: string[] = [];
    for (const [key, got] of actual) {
      const expected = expectedRow(key);
      for (const relation of RELATIONS)
        if (got[relation] !== expected[relation])
          differences.push(
            `${key} × ${relation}: expected ${expected[relation]}, got ${got[relation]}`,
          );
    }
    const width = Math.max(...[...actual.keys()].map((k) => k.length));
    console.log(
      [
        `${'operation'.padEnd(width)}  ${RELATIONS.join(' | ')}`,
        ...[...actual].map(
          ([k, got]) => `${k.padEnd(width)}  ${RELATIONS.map((r) => got[r]).join(' | ')}`,
        ),
      ].join('\n'),
    );
    expect(differences).toEqual([]);
  }, 120_000);

  it('answers the same over WebSocket as over HTTP for every user relation and every row that changes no relation', async () => {
    const users = [
      'self',
      'contact',
      'stranger',
      'member',
      'former',
      'blocked',
      'blocker',
      'tenant',
      'tadmin',
    ] as const;
    const differences: string[] = [];
    let compared = 0;
    for (const relation of users) {
      let client: Client | null = null;
      let used = 0;
      // Each relation's sockets come from an address of their own, as its HTTP cells do, so the
      // per-address operator budget (every operator row is tried with a user token) never decides a cell.
      const address = nextAddress()['x-forwarded-for'];
      class ForwardedWebSocket extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { 'x-forwarded-for': address } });
        }
      }
      for (const key of Object.keys(MATRIX)) {
        const row = ROWS[key];
        if (!row || row.mutates || !actual.has(key)) continue;
        // A fresh socket now and then keeps each under the per-socket operation limit.
        if (!client || used === 10) {
          await client?.dispose();
          client = createClient({
            url: api.wsUrl,
            webSocketImpl: ForwardedWebSocket,
            connectionParams: { authorization: `Bearer ${tokenOf(relation)}` },
            retryAttempts: 0,
            lazy: false,
          });
          used = 0;
        }
        used++;
        const result = await new Promise<GqlResult>((resolve) => {
          let last: GqlResult = {};
          client!.subscribe(
            { query: row.query, variables: row.vars(f, callerOf(relation)) },
            {
              next: (value) => (last = value as GqlResult),
              error: (error) =>
                resolve({
                  errors: Array.isArray(error)
                    ? error
                    : [{ message: String(error), extensions: { code: 'socket-error' } }],
                }),
              complete: () => resolve(last),
            },
          );
        });
        const overWs = outcome(result, row);
        const overHttp = actual.get(key)![relation];
        compared++;
        if (overWs !== overHttp)
          differences.push(`${key} × ${relation}: HTTP ${overHttp}, WebSocket ${overWs}`);
      }
      await client?.dispose();
    }
    expect(compared).toBeGreaterThan(200);
    expect(differences).toEqual([]);
  }, 120_000);
});
