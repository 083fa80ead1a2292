import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setImmediate as nextLoopTurn, setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../config/configuration';

/**
 * After the last request ended, how long open keep-alive connections stay open for one more
 * request (answered with `Connection: close`) before the idle ones are closed.
 */
const QUIET_MS = 250;

/**
 * Resolves after the event loop has polled for I/O at least once more (two check phases: the
 * current one may come right after the poll that is running now).
 */
async function afterNextPoll(): Promise<void> {
  await nextLoopTurn();
  await nextLoopTurn();
}

const connectionsOf = (server: Server) =>
  new Promise<number>((resolve) =>
    server.getConnections((error, count) => resolve(error ? 0 : count)),
  );

/**
 * The first step of a shutdown (SIGTERM, SIGINT), before Nest closes the server and the pool:
 * /api/health answers 503 and every answer says `Connection: close`; no new connection is
 * accepted; requests in flight, and any that open connections still bring, are answered; once
 * none has come for a quiet moment the idle connections are closed. Whatever still runs after
 * SHUTDOWN_GRACE_MS loses its connection, so the pool can close and the process exit.
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private draining = false;
  private active = 0;
  private lastActivity = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  get shuttingDown(): boolean {
    return this.draining;
  }

  onApplicationBootstrap(): void {
    this.server()?.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.active++;
      this.lastActivity = performance.now();
      response.once('close', () => {
        this.active--;
        this.lastActivity = performance.now();
      });
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const server = this.server();
    if (!server?.listening) return;
    const graceMs = this.config.get('shutdownGraceMs', { infer: true });
    const deadline = performance.now() + graceMs;
    this.logger.log(`Shutting down: no new connections; requests in flight get ${graceMs} ms`);
    // Connections the kernel already accepted but the event loop has not taken yet would be
    // reset with the listening socket: take them first.
    await afterNextPoll();
    // net.Server's close, not http.Server's: stop listening but leave open connections alone
    // (http's also drops idle keep-alive connections at once, and with them a request that was
    // on its way, or waiting to be read while the event loop was busy).
    NetServer.prototype.close.call(server);
    while (performance.now() < deadline && !(await this.quiet())) await sleep(20);
    server.closeIdleConnections();
    while ((await connectionsOf(server)) > 0 && performance.now() < deadline) await sleep(20);
    const left = await connectionsOf(server);
    if (left > 0) {
      this.logger.warn(`${left} connection(s) still busy after ${graceMs} ms: closing them`);
      server.closeAllConnections();
    }
  }

  /** No request running, none begun for QUIET_MS, and none waiting to be read. */
  private async quiet(): Promise<boolean> {
    if (this.active > 0 || performance.now() - this.lastActivity < QUIET_MS) return false;
    await afterNextPoll(); // lets the sockets' pending bytes be read first
    return this.active === 0;
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
