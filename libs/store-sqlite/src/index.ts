export { SqliteStore, SqliteStoreOptions } from './sqlite-store';
export { openDatabase, OpenDatabaseOptions, SQLITE_BINDING_ENV } from './sqlite-driver';
export { SqliteTenantRepository } from './sqlite-tenant.repository';
export { SqliteUserRepository } from './sqlite-user.repository';
export { SqliteSessionRepository } from './sqlite-session.repository';
export { SqliteContactRepository } from './sqlite-contact.repository';
export { SqliteBlockRepository } from './sqlite-block.repository';
export { SqliteConversationRepository } from './sqlite-conversation.repository';
export { SqliteMessageRepository } from './sqlite-message.repository';
