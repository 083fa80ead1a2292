import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Body-parser failures as HTTP exceptions with plain messages (its own texts are cryptic). */
export function bodyParserErrors(
  error: unknown,
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  switch ((error as { type?: string })?.type) {
    case 'entity.parse.failed':
      return next(new BadRequestException('Request body is not valid JSON'));
    case 'entity.too.large':
      return next(new PayloadTooLargeException('Request body is too large'));
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return next(new UnsupportedMediaTypeException('Unsupported request body encoding'));
    default:
      return next(error);
  }
}
