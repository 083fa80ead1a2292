import { Body, Controller, HttpCode, PayloadTooLargeException, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { DomainError } from '../shared/domain-error';
import { ApiDatabaseUnavailable, ApiErrors } from '../http/openapi';
import { AcceptsBody } from '../http/route-policy';
import { ImportJson } from './workout-import.presenter';
import { WorkoutImportService } from './workout-import.service';

export const CSV_LIMIT_BYTES = 10 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

@ApiTags('workouts')
@ApiDatabaseUnavailable()
@Controller('workouts')
export class WorkoutImportController {
  constructor(private readonly importer: WorkoutImportService) {}

  /** Multipart field `file` (the frontend) or a raw `text/csv` body (scripts, curl). */
  @Post('import')
  @HttpCode(201)
  @AcceptsBody(['multipart/form-data', 'text/csv'], CSV_LIMIT_BYTES)
  @ApiOperation({
    summary: 'Imports a TrainingPeaks CSV export (UTF-8, up to 10 MiB)',
    description: 'A row with the title and day of an existing workout is skipped.',
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary' } },
          },
        },
        'text/csv': { schema: { type: 'string' } },
      },
    },
  })
  @ApiCreatedResponse({ type: ImportJson })
  @ApiErrors([400, 'No CSV data, or not UTF-8, or not CSV'], 413, 415)
  async import(@Req() request: FastifyRequest, @Body() body: unknown) {
    const text = request.isMultipart()
      ? await fileField(request)
      : typeof body === 'string'
        ? body
        : '';
    return this.importer.importCsv(text);
  }
}

const TOO_LARGE = 'CSV file is larger than 10 MiB';

/** The multipart part named `file`, as UTF-8 text; '' when there is none. */
async function fileField(request: FastifyRequest): Promise<string> {
  let text = '';
  try {
    for await (const part of request.parts({ limits: { fileSize: CSV_LIMIT_BYTES, files: 1 } })) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') {
        part.file.resume(); // drained, or the parts that follow never arrive
        continue;
      }
      text = decodeCsv(await fileBytes(part.file));
    }
  } catch (error) {
    // The iteration reports the limit too, when it notices first.
    if (error instanceof request.server.multipartErrors.RequestFileTooLargeError) {
      throw new PayloadTooLargeException(TOO_LARGE);
    }
    throw error;
  }
  return text;
}

/**
 * The file's bytes, refused as soon as it passes the limit: the part's own toBuffer() would read
 * (and drop) the rest of the upload first, however large, before saying so.
 */
async function fileBytes(file: Readable & { truncated: boolean }): Promise<Buffer> {
  const tooLarge = () => file.destroy(new PayloadTooLargeException(TOO_LARGE));
  if (file.truncated) tooLarge();
  else file.once('limit', tooLarge);
  const chunks: Buffer[] = [];
  for await (const chunk of file) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodeCsv(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DomainError('BAD_INPUT', 'CSV file is not valid UTF-8');
  }
}
