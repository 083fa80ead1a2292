import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Env, loadConfig } from './configuration';

/**
 * The typed configuration, read from `env` only (the server's and the commands' alike): no
 * `.env` file that one of them would see and another not.
 */
export function configModule(env: Env): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    load: [() => loadConfig(env)],
  });
}
