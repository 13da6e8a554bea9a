import { DocumentNode, GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { isViewerDependent } from '../models/viewer-dependent.decorator';

/**
 * Whether executing this document can give different results to different subscribers for
 * the same event, read from the fields' own declarations (@ViewerDependent, a GraphQL field
 * extension). When it cannot, one execution and one serialization serve them all.
 */
export function dependsOnViewer(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let dependent = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        if (!typeInfo.getParentType() || !field) {
          dependent = true; // unknown shape: be safe
          return;
        }
        if (isViewerDependent(field)) dependent = true;
      },
    }),
  );
  return dependent;
}
