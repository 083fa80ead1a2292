import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';

/** Opens a route (or every route of a controller) to requests without a token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
