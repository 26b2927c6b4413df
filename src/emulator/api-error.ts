// An AWS error as the emulator sends it. Handlers throw these; the HTTP layer renders them in the
// service's protocol (restJson1 header + {"message"}, or awsJson1_1 {"__type","message"}).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const validationError = (message: string) => new ApiError(400, 'ValidationException', message);
