import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DomainError } from '../shared/domain-error';
import type { AppConfig, ConfigFile } from '../config/configuration';
import { triClubScheduleProblem, weeklyTargetsProblem } from './schedule-files';

interface ServedFile {
  what: string;
  variable: string;
  file: ConfigFile;
  /** What the frontend shows as "nothing planned", when no file is configured or there. */
  nothing: unknown;
  problemOf: (content: unknown) => string | null;
}

/**
 * Serves the config files as they are on disk, read (and checked) on every request. With no
 * file configured and none at the default path, the answer is "nothing planned": a new
 * installation has done nothing wrong. A file the operator named must be there and valid.
 */
@Injectable()
export class ScheduleService implements OnModuleInit {
  private readonly logger = new Logger(ScheduleService.name);
  private readonly triClub: ServedFile;
  private readonly targets: ServedFile;

  constructor(config: ConfigService<AppConfig, true>) {
    this.triClub = {
      what: 'Tri club schedule',
      variable: 'TRI_CLUB_SCHEDULE_FILE',
      file: config.get('triClubScheduleFile', { infer: true }),
      nothing: { schedule: {} },
      problemOf: triClubScheduleProblem,
    };
    this.targets = {
      what: 'Weekly targets',
      variable: 'WEEKLY_TARGETS_FILE',
      file: config.get('weeklyTargetsFile', { infer: true }),
      nothing: [],
      problemOf: weeklyTargetsProblem,
    };
  }

  /** Says once which file each endpoint serves, or that there is none. */
  onModuleInit(): void {
    for (const { what, variable, file } of [this.triClub, this.targets]) {
      const path = resolve(file.path);
      if (file.configured) this.logger.log(`${what}: ${path} (${variable})`);
      else if (existsSync(path)) this.logger.log(`${what}: ${path} (the default)`);
      else {
        this.logger.log(
          `${what}: no file (${variable} unset, none at ${path}): the planner shows none`,
        );
      }
    }
  }

  triClubSchedule(): Promise<unknown> {
    return this.load(this.triClub);
  }

  weeklyTargets(): Promise<unknown> {
    return this.load(this.targets);
  }

  private async load({ what, variable, file, nothing, problemOf }: ServedFile): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(file.path, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing && !file.configured) return nothing;
      throw this.misconfigured(
        `${what} file ${file.path} (${variable}) cannot be read: ${(error as Error).message}`,
      );
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (error) {
      throw this.misconfigured(
        `${what} file ${file.path} is not valid JSON: ${(error as Error).message}`,
      );
    }
    const problem = problemOf(content);
    if (problem) throw this.misconfigured(`${what} file ${file.path} is invalid: ${problem}`);
    return content;
  }

  /** A 500 with a generic answer; this message goes to the request's log line. */
  private misconfigured(message: string): DomainError {
    return new DomainError('MISCONFIGURED', message);
  }
}
