/**
 * Errors the domain raises. The API maps them to GraphQL codes
 * (BAD_USER_INPUT, NOT_FOUND, CONFLICT); the domain knows nothing of GraphQL.
 */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that can never be valid; `field` is the path of the offending field. */
export class InvalidInput extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A business rule refuses the command in the current state. */
export class DomainRuleViolated extends DomainError {}

/** The command targets something that does not exist. */
export class NotFound extends DomainError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
  }
}
