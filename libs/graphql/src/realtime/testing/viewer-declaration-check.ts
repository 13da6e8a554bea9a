import 'reflect-metadata';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { GqlParamtype } from '@nestjs/graphql/dist/enums/gql-paramtype.enum';
import { RESOLVER_NAME_METADATA, RESOLVER_PROPERTY_METADATA } from '@nestjs/graphql';
import { GraphQLSchema, isObjectType } from 'graphql';
import { hasViewerDeclaration } from '../../models/viewer-dependent.decorator';

/** Parameters that cannot tell one viewer from another: the parent object and the field's arguments. */
const VIEWER_BLIND = new Set([String(GqlParamtype.ROOT), String(GqlParamtype.ARGS)]);

/** A field resolver that reads the request, and whether its field says how it depends on the viewer. */
export interface FieldReadingRequest {
  field: string;
  /** The parameters (route-argument metadata keys) through which it reads the request. */
  reads: string[];
  declared: boolean;
}

/**
 * Every @ResolveField method of these resolver classes that takes anything but its parent and
 * its arguments (the actor, the context, info, any custom parameter decorator), with whether the
 * schema field it resolves carries a viewer declaration (@ViewerDependent or @SameForEveryViewer).
 */
export function fieldsReadingRequest(
  schema: GraphQLSchema,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- classes of any shape
  resolvers: readonly Function[],
): FieldReadingRequest[] {
  const found: FieldReadingRequest[] = [];
  for (const resolver of resolvers) {
    const typeName: unknown = Reflect.getMetadata(RESOLVER_NAME_METADATA, resolver);
    const proto = resolver.prototype as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      const handler = proto[method];
      if (
        method === 'constructor' ||
        typeof handler !== 'function' ||
        !Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, handler)
      )
        continue;
      const fieldName =
        (Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) as string | undefined) ?? method;
      const params = (Reflect.getMetadata(ROUTE_ARGS_METADATA, resolver, method) ?? {}) as Record<
        string,
        unknown
      >;
      const reads = Object.keys(params).filter((key) => !VIEWER_BLIND.has(key.split(':')[0]!));
      if (reads.length === 0) continue;
      const type = typeof typeName === 'string' ? schema.getType(typeName) : undefined;
      const field = type && isObjectType(type) ? type.getFields()[fieldName] : undefined;
      found.push({
        field: `${String(typeName)}.${fieldName}`,
        reads,
        declared: !!field && hasViewerDeclaration(field),
      });
    }
  }
  return found;
}
