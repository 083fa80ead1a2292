import {
  applyDecorators,
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ApiParam, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  registerDecorator,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { isCalendarDate } from '../shared/dates';
import { codePointLength } from '../shared/text';
import { DomainError } from '../shared/domain-error';

/** A real calendar day, exactly `YYYY-MM-DD` (see isCalendarDate). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: { message: '$property must be a real date in YYYY-MM-DD format', ...options },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
}

/** The key may be absent, but when present it must not be null (NOT NULL columns). */
export const OptionalNotNull = (options?: ValidationOptions) =>
  ValidateIf((_object, value) => value !== undefined, options);

/** min..max code points, and no NUL character (PostgreSQL refuses it in text). */
export function CodePointLength(min: number, max: number): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'codePointLength',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: {
        message:
          min > 0
            ? `$property must be ${min} to ${max} characters without NUL`
            : `$property must be at most ${max} characters without NUL`,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || value.includes('\0')) return false;
          const length = codePointLength(value);
          return length >= min && length <= max;
        },
      },
    });
}

/**
 * A text column of the API: a string of `min`..`max` characters counted as the database
 * counts them. `nullable` says whether `null` (clear the column) is accepted; absent is always.
 * The API document gets the same limits (JSON Schema lengths count code points too).
 */
export const Text = ({
  min = 0,
  max,
  nullable,
}: {
  min?: number;
  max: number;
  nullable: boolean;
}) =>
  applyDecorators(
    nullable ? IsOptional() : OptionalNotNull(),
    IsString(),
    CodePointLength(min, max),
    ApiPropertyOptional({
      type: String,
      minLength: min > 0 ? min : undefined,
      maxLength: max,
      nullable: nullable || undefined,
    }),
  );

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

const MAX_ID = 2_147_483_647;

/** Path ids: positive integers that fit the integer columns. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > MAX_ID) {
      throw new BadRequestException(`${metadata.data ?? 'id'} must be a positive integer`);
    }
    return id;
  }
}

/** The document's side of ParseIdPipe, for the path parameter `name`. */
export const ApiIdParam = (name: string) =>
  ApiParam({ name, schema: { type: 'integer', minimum: 1, maximum: MAX_ID } });
