import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isCalendarDate } from '../shared/dates';
import { DomainError } from '../shared/domain-error';

export const INVALID_DATE = 'Invalid date format. Use ISO format (YYYY-MM-DD)';

/** A `YYYY-MM-DD` path or query value; absent query values pass through as undefined. */
@Injectable()
export class WeatherDatePipe implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown, metadata: ArgumentMetadata): string | undefined {
    if (value === undefined && metadata.type === 'query') return undefined;
    if (isCalendarDate(value)) return value;
    throw new DomainError(
      'BAD_INPUT',
      `${INVALID_DATE}: ${metadata.data ?? 'date'} is not a real date`,
    );
  }
}
