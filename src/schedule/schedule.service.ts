import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readFile } from 'node:fs/promises';
import { DomainError, notFound } from '../common/domain-error';
import type { AppConfig } from '../config/configuration';
import { triClubScheduleProblem, weeklyTargetsProblem } from './schedule-files';

/** Serves the config files as they are on disk, read (and checked) on every request. */
@Injectable()
export class ScheduleService {
  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  triClubSchedule(): Promise<unknown> {
    return this.load(
      'Tri club schedule file',
      this.config.get('triClubScheduleFile', { infer: true }),
      triClubScheduleProblem,
    );
  }

  weeklyTargets(): Promise<unknown> {
    return this.load(
      'Weekly targets file',
      this.config.get('weeklyTargetsFile', { infer: true }),
      weeklyTargetsProblem,
    );
  }

  private async load(
    what: string,
    path: string,
    problemOf: (content: unknown) => string | null,
  ): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(what);
      throw this.misconfigured(`${what} ${path} cannot be read: ${(error as Error).message}`);
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (error) {
      throw this.misconfigured(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
    }
    const problem = problemOf(content);
    if (problem) throw this.misconfigured(`${what} ${path} is invalid: ${problem}`);
    return content;
  }

  /** A 500 with this message; the exception filter writes it to the log too. */
  private misconfigured(message: string): DomainError {
    return new DomainError('MISCONFIGURED', message);
  }
}
