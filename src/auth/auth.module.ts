import { createSecretKey } from 'node:crypto';
import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '../config/configuration';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGate } from './auth.gate';
import { AuthService } from './auth.service';
import { LoginAttempts } from './login-attempts';
import { TokenService } from './token.service';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const auth = config.get('auth', { infer: true });
        if (auth.secretGenerated && config.get('nodeEnv', { infer: true }) !== 'test') {
          new Logger('Auth').warn(
            'SECRET_KEY is not set: using a random secret for this process. ' +
              'Tokens will not survive a restart; set SECRET_KEY to keep users logged in.',
          );
        }
        return {
          // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to
          // parse it as a public key on every verify, which was a quarter of a request's CPU.
          secret: createSecretKey(Buffer.from(auth.secretKey)) as unknown as string,
          signOptions: { algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokenService, AuthGate, LoginAttempts],
  exports: [TokenService, AuthGate],
})
export class AuthModule {}
