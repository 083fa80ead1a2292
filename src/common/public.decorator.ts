import { SetMetadata } from '@nestjs/common';

/** Metadata the global authentication guard reads to let a route through without a login token. */
export const IS_PUBLIC_KEY = 'isPublic';

/** The route needs no login token (it may still authorise the request its own way). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
