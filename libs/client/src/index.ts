// Typed GraphQL documents and types generated from the committed schema (npm run codegen).
// Only graphql.ts is re-exported: the gql() lookup table would pull every document into bundles.
export * from './generated/graphql';
