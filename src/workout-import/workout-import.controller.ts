import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { DomainError } from '../common/domain-error';
import { WorkoutImportService } from './workout-import.service';

export const CSV_LIMIT_BYTES = 10 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

@Controller('workouts')
export class WorkoutImportController {
  constructor(private readonly importer: WorkoutImportService) {}

  /** Multipart field `file` (the frontend) or a raw `text/csv` body (scripts, curl). */
  @Post('import')
  @HttpCode(201)
  @UseInterceptors(
    FileInterceptor('file', {
      storage: memoryStorage(),
      limits: { fileSize: CSV_LIMIT_BYTES, files: 1 },
    }),
  )
  import(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: unknown) {
    return this.importer.importCsv(
      file ? decode(file.buffer) : typeof body === 'string' ? body : '',
    );
  }
}

function decode(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DomainError('BAD_INPUT', 'CSV file is not valid UTF-8');
  }
}
