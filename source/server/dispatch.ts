/** From a validated request to exactly one response: gate, run the handler, answer. */
import {ChatError} from '../protocol/errors.js';
import type {Request} from '../protocol/frames.js';
import {StoreUnavailableError} from '../store/types.js';
import type {Connection} from './connection.js';
import type {Services} from './context.js';
import {type Gate, routes} from './handlers/index.js';

export function dispatch(conn: Connection, request: Request, services: Services): void {
  const route = routes[request.type];
  conn.requestQueued();
  conn.chain = conn.chain.then(() => {
    const done = handle(conn, request, route.gate, route.run, services).finally(() => conn.requestDone());
    return route.ordered ? done : undefined;
  });
}

async function handle(conn: Connection, request: Request, gate: Gate, run: (ctx: never, req: never) => unknown, services: Services) {
  try {
    if (services.stopping) throw new ChatError('SHUTTING_DOWN');
    checkGate(conn, gate);
    const ctx = {conn, services, user: conn.session?.user};
    const result = await run(ctx as never, request as never);
    conn.reply(request.id, result ?? {});
  } catch (error) {
    conn.fail(request.id, toChatError(error, services, `${request.type} from ${conn.session?.user.username ?? conn.remote}`));
  }
}

function checkGate(conn: Connection, gate: Gate): void {
  if (gate === 'hello') return;
  if (conn.stage === 'hello') throw new ChatError('HELLO_REQUIRED');
  if (gate === 'open') return;
  if (gate === 'guest') {
    if (conn.stage !== 'guest') throw new ChatError('ALREADY_AUTHENTICATED');
    return;
  }
  if (conn.stage !== 'user' || !conn.session) throw new ChatError('NOT_AUTHENTICATED');
  if (gate === 'moderator' && conn.session.user.role !== 'moderator') throw new ChatError('FORBIDDEN');
  if (gate === 'person' && conn.session.user.role === 'bot') throw new ChatError('BOT_FORBIDDEN');
}

/** Internal errors are logged with context and answered with a generic code. */
export function toChatError(error: unknown, services: Services, context: string): ChatError {
  if (error instanceof ChatError) return error;
  if (error instanceof StoreUnavailableError) return new ChatError('STORE_UNAVAILABLE');
  services.notify({kind: 'internal_error', context, detail: error instanceof Error ? (error.stack ?? error.message) : String(error)});
  return new ChatError('INTERNAL');
}
