import { Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { DomainError } from '@chatter/core';

/**
 * Domain errors are answers, not failures: hand them to GraphQL (formatError maps the code)
 * without Nest's exception handler logging each one as an error.
 */
@Catch(DomainError)
export class DomainErrorFilter implements GqlExceptionFilter {
  catch(exception: DomainError): DomainError {
    return exception;
  }
}
