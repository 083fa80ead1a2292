import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The body of every error answer: what the error filter sends. */
@ApiSchema({ name: 'Error' })
export class ErrorJson {
  @ApiProperty({ example: 'Workout not found' })
  error!: string;

  @ApiPropertyOptional({
    description: 'On some 5xx answers: the request id (as in X-Request-ID), to find the log lines',
  })
  requestId?: string;
}

/** `{"message": "..."}`: what a deletion answers. */
@ApiSchema({ name: 'Message' })
export class MessageJson {
  @ApiProperty()
  message!: string;
}
