import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

export const CREDENTIALS_REQUIRED = 'Username and password are required';

/** Body of POST /api/auth/login. Every failure has the contract's one message. */
export class LoginDto {
  @IsString({ message: CREDENTIALS_REQUIRED })
  @IsNotEmpty({ message: CREDENTIALS_REQUIRED })
  @ApiProperty({ minLength: 1 })
  username!: string;

  @IsString({ message: CREDENTIALS_REQUIRED })
  @IsNotEmpty({ message: CREDENTIALS_REQUIRED })
  @ApiProperty({ minLength: 1, format: 'password' })
  password!: string;
}
