/**
 * Marks a use case class. It carries no framework: its only effect is that the compiler emits
 * constructor parameter metadata, so a DI container can inject the ports a use case names.
 */
export const UseCase = (): ClassDecorator => () => undefined;
