import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyCorsOptions } from '@fastify/cors';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../config/configuration';

/**
 * CORS as the previous backend (contract B §1.4): development allows only the React dev
 * server, with credentials; production allows CORS_ORIGINS (none by default: the frontend is
 * served from the same origin).
 */
export function corsOptions(
  config: Pick<AppConfig, 'nodeEnv' | 'corsOrigins'>,
): FastifyCorsOptions | null {
  // Comma-joined as the previous backend sent them.
  const common = {
    methods: 'GET,POST,PUT,DELETE,OPTIONS',
    allowedHeaders: 'Content-Type,Authorization',
    optionsSuccessStatus: 200,
  };
  if (config.nodeEnv !== 'production') {
    return { ...common, origin: ['http://localhost:3000'], credentials: true };
  }
  if (config.corsOrigins.length === 0) return null;
  return { ...common, origin: config.corsOrigins, credentials: false };
}

/**
 * sha256 sources of the inline scripts of the built index.html: Create React App inlines its
 * webpack runtime there, and the CSP must allow exactly that script and nothing else inline.
 */
export function inlineScriptHashes(frontendDir: string | null): string[] {
  if (!frontendDir) return [];
  let html: string;
  try {
    html = readFileSync(join(frontendDir, 'index.html'), 'utf8');
  } catch {
    return [];
  }
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    if (match[1].trim() === '') continue;
    hashes.push(`'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`);
  }
  return hashes;
}

/** helmet's options; the CSP lets the built React app run (own scripts, inline styles). */
function helmetOptions(config: Pick<AppConfig, 'frontendDir'>): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(config.frontendDir)],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  };
}

/**
 * The security headers helmet sets, worked out once: with these options they are the same on
 * every response. (@fastify/helmet builds a new helmet middleware, parsing the CSP again, on
 * every request: about 0.1 ms of CPU per request here, for headers that never change.)
 */
export function securityHeaders(config: Pick<AppConfig, 'frontendDir'>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    removeHeader: (name: string) => delete headers[name],
  };
  helmet(helmetOptions(config))(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined, // helmet 8 throws on a bad option rather than passing it on
  );
  return headers;
}
