/**
 * Marks a domain service or policy that use cases share (token issuing, access checks, presence,
 * event routing): not a use case itself. Like UseCase it carries no framework; its only effect is
 * that the compiler emits constructor parameter metadata, so a DI container can inject its ports.
 */
export const DomainService = (): ClassDecorator => () => undefined;
