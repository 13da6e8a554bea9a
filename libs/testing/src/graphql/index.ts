export * from './graphql-document.arbitrary';
