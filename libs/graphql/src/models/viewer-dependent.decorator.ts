import { Extensions } from '@nestjs/graphql';
import type { GraphQLField } from 'graphql';

/** The GraphQL field extension that says whether a field's value depends on who is looking. */
export const VIEWER_DEPENDENT = 'viewerDependent';
/** Why a field whose resolver reads the request still gives every viewer the same value. */
export const SAME_FOR_EVERY_VIEWER = 'sameForEveryViewer';

/**
 * Declares, on the field's declaration, that its value depends on who is looking (privacy, the
 * viewer's own settings, relations to the viewer). A subscription selecting such a field is
 * executed per subscriber, never shared (realtime/viewer-dependence.ts).
 *
 * Put it on the model property when the model declares the field (NestJS keeps the model's
 * extensions for it), or on the @ResolveField method of a field only a resolver declares.
 */
export const ViewerDependent = (): PropertyDecorator & MethodDecorator =>
  Extensions({ [VIEWER_DEPENDENT]: true });

/**
 * Declares that a field whose resolver reads the request (the actor, the context) still gives
 * every viewer who can see its parent the same value, and why (e.g. the actor only scopes a
 * load to the tenant). Such fields may be rendered once for all subscribers.
 */
export const SameForEveryViewer = (because: string): PropertyDecorator & MethodDecorator =>
  Extensions({ [VIEWER_DEPENDENT]: false, [SAME_FOR_EVERY_VIEWER]: because });

/** Whether a schema field is declared viewer-dependent. */
export function isViewerDependent(
  field: Pick<GraphQLField<unknown, unknown>, 'extensions'>,
): boolean {
  return field.extensions?.[VIEWER_DEPENDENT] === true;
}

/** Whether a schema field carries a declaration either way (ViewerDependent or SameForEveryViewer). */
export function hasViewerDeclaration(
  field: Pick<GraphQLField<unknown, unknown>, 'extensions'>,
): boolean {
  return typeof field.extensions?.[VIEWER_DEPENDENT] === 'boolean';
}
