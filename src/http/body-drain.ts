import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The most of a body still arriving after its answer that is read and dropped: more than the
 * largest body a route takes (the 10 MiB import), so that a client that looks at the answer only
 * once it has sent everything still gets it for a body somewhat over the limit.
 */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** How long the rest of such a body is read at most. */
export const DRAIN_MAX_MS = 2_000;
/** Past either bound: how long the client has to read the answer before the connection goes. */
const CUT_LINGER_MS = 1_000;

/**
 * Fastify onSend hook for answers given before the request's body has all arrived: 401 and 415
 * from the request gate, 413 for a declared length over the limit or from the multipart reader,
 * 404/405 on a body no route reads. Node closes a connection whose answer says `close` (Fastify
 * says so after a body it refused; so does a client's `Connection: close`) as soon as the answer
 * is written, with the client's bytes still unread: the kernel then resets it, and the client,
 * still sending, gets EPIPE or ECONNRESET instead of the answer, often before it has read it.
 * So Node is told to keep the connection, and the rest of the body is read and dropped, up to
 * DRAIN_MAX_BYTES and DRAIN_MAX_MS; past either bound the connection is closed. A body read to its
 * end leaves the connection open for the next request, unless the client asked to close it or
 * `closeWhenDrained()` (shutting down) says so.
 */
export function drainAfterEarlyAnswer(closeWhenDrained: () => boolean) {
  return function earlyAnswer(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: null, payload: unknown) => void,
  ): void {
    const body = request.raw;
    const answer = reply.raw;
    if (!body.complete && !body.destroyed) {
      const clientCloses = !answer.shouldKeepAlive;
      void reply.removeHeader('connection');
      answer.shouldKeepAlive = true;
      drain(body, answer, () => clientCloses || closeWhenDrained());
    }
    done(null, payload);
  };
}

function drain(body: IncomingMessage, answer: ServerResponse, closeAfter: () => boolean): void {
  const socket = body.socket;
  const afterAnswer = (then: () => void) =>
    answer.writableFinished ? then() : answer.once('finish', then);
  let read = 0;
  let cutting = false;
  // Past a bound: read no more, end our side once the answer has gone (it arrives before our
  // FIN), and let the connection go a moment later whatever the client still sends. Destroyed
  // at once, with its bytes unread, the kernel would reset it, and the answer could be lost.
  const cut = () => {
    if (cutting) return;
    cutting = true;
    clearTimeout(timer);
    body.pause();
    afterAnswer(() => {
      socket.end();
      setTimeout(() => socket.destroy(), CUT_LINGER_MS).unref();
    });
  };
  const timer = setTimeout(cut, DRAIN_MAX_MS).unref();
  body.unpipe(); // from a multipart reader that gave up
  body.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > DRAIN_MAX_BYTES) cut();
  });
  body.once('end', () => {
    clearTimeout(timer);
    if (!cutting && closeAfter()) afterAnswer(() => socket.end());
  });
  body.once('close', () => clearTimeout(timer));
  body.resume();
}
