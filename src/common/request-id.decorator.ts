import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The id the request-id middleware gave this request. */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<{ id?: string }>().id,
);
