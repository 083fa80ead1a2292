import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ValidateIf, ValidationOptions } from 'class-validator';
import { DomainError } from './domain-error';

/** The key may be absent, but when present it must not be null (NOT NULL columns). */
export const OptionalNotNull = (options?: ValidationOptions) =>
  ValidateIf((_object, value) => value !== undefined, options);

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith('property ')
        ? `Unknown field: ${path}`
        : message.replace(error.property, path),
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/**
 * The global ValidationPipe: unknown keys and wrong types are 400s with a message naming the
 * field, and a body that is not a JSON object is refused before validation.
 */
@Injectable()
export class AppValidationPipe implements PipeTransform {
  private readonly pipe = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) =>
      new BadRequestException([...new Set(describe(errors))].join('; ')),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === undefined) value = {}; // an empty body is an empty change set
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new DomainError('BAD_INPUT', 'Request body must be a JSON object');
      }
    }
    return this.pipe.transform(value, metadata) as Promise<unknown>;
  }
}

/** Path ids: positive integers that fit the integer columns. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) {
      throw new BadRequestException(`${metadata.data ?? 'id'} must be a positive integer`);
    }
    return id;
  }
}
