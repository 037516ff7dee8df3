/**
 * The optional HTTP listener: incoming webhooks. `POST /hooks/<secret>` with a JSON body
 * (`{"text": "...", "username": "...", "sendId": "..."}`) or the form body Slack and
 * Mattermost senders use (`payload=<json>`) posts into the hook's salon through the same
 * writer as every message: ordered, stored, acknowledged after commit, delivered on every
 * node. Node's own `http` module is enough for one route; every answer is a short JSON
 * object, never a stack trace.
 */
import {createHash, randomBytes} from 'node:crypto';
import {type IncomingMessage, type Server as HttpServer, type ServerResponse, createServer} from 'node:http';
import {createServer as createTlsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {ChatError} from '../protocol/errors.js';
import {requestSchemas} from '../protocol/frames.js';
import {StoreUnavailableError, type HookRecord, type Store} from '../store/types.js';
import {TokenBucket} from './guards.js';
import type {Hub} from './hub.js';
import type {Writer} from './writer.js';

/** Largest body accepted (413 past it): a message is at most 4000 characters. */
export const MAX_HOOK_BODY = 32 * 1024;

export interface HookRate {
  /** Posts per second per hook, and the burst. */
  perSecond: number;
  burst: number;
}

export const defaultHookRate: HookRate = {perSecond: 1, burst: 20};

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new hook secret: 32 random bytes, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

interface Deps {
  store: Store;
  writer: Writer;
  hub: Hub;
  clock: () => number;
  rate: HookRate;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly reason: string, readonly headers: Record<string, string> = {}) {
    super(reason);
  }
}

/**
 * The body, up to MAX_HOOK_BODY. Past it the answer is 413 at once, and the rest is read
 * and dropped rather than the socket cut, so the sender gets the answer.
 */
const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, 'body too large', {Connection: 'close'});
    if (Number(req.headers['content-length'] ?? 0) > MAX_HOOK_BODY) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HOOK_BODY) {
        if (chunks.length > 0) reject(tooLarge());
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_HOOK_BODY ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', () => reject(new HttpError(400, 'body not received')));
  });

/** The fields senders use, from a JSON body or a form body's `payload` (or its `text`). */
function fields(body: Buffer, contentType: string): Record<string, unknown> {
  const text = body.toString('utf8');
  let json = text;
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload === null) return Object.fromEntries(form);
    json = payload;
  }
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'body is not a JSON object');
}

const sendSchema = requestSchemas.send.shape;

export class HookListener {
  private readonly buckets = new Map<number, TokenBucket>();
  private server: HttpServer | undefined;

  constructor(private readonly deps: Deps) {}

  async listen(host: string, port: number, tls?: {cert: string | Buffer; key: string | Buffer}): Promise<AddressInfo> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server = tls ? createTlsServer({cert: tls.cert, key: tls.key}, handler) : createServer(handler);
    this.server = server;
    // Slow senders may not hold a socket for long.
    server.requestTimeout = 15_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const result = await this.post(req);
      this.answer(res, 200, result);
    } catch (error) {
      if (error instanceof HttpError) return this.answer(res, error.status, {error: error.reason}, error.headers);
      if (error instanceof StoreUnavailableError || (error instanceof ChatError && (error.code === 'STORE_UNAVAILABLE' || error.code === 'OVERLOADED' || error.code === 'SHUTTING_DOWN'))) {
        return this.answer(res, 503, {error: 'unavailable, nothing stored: retry shortly'}, {'Retry-After': '5'});
      }
      this.answer(res, 500, {error: 'internal error'});
    }
  }

  private answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    res.writeHead(status, {'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers});
    res.end(`${JSON.stringify(body)}\n`);
  }

  private async post(req: IncomingMessage): Promise<{id: number; seq: number; salon: number}> {
    const match = /^\/hooks\/([A-Za-z0-9_-]{1,128})\/?$/.exec(new URL(req.url ?? '/', 'http://hook').pathname);
    if (!match) throw new HttpError(404, 'not found');
    if (req.method !== 'POST') throw new HttpError(405, 'use POST', {Allow: 'POST'});
    const {store, writer, hub, clock} = this.deps;
    // Unknown and revoked answer alike: a secret cannot be probed.
    const hook = await store.findHook(hashSecret(match[1] as string));
    if (!hook || hook.revoked) throw new HttpError(404, 'not found');
    this.take(hook);
    const body = fields(await readBody(req), req.headers['content-type'] ?? '');
    const text = sendSchema.text.safeParse(body.text);
    if (!text.success) throw new HttpError(400, `text: ${text.error.issues[0]?.message ?? 'invalid'}`);
    const sendId = body.sendId ?? req.headers['idempotency-key'];
    const clientMsgId = sendId === undefined ? undefined : sendSchema.clientMsgId.safeParse(String(sendId));
    if (clientMsgId && !clientMsgId.success) throw new HttpError(400, 'sendId: 1 to 64 characters, no control characters');
    // `username` names the sender as Slack's and Mattermost's do; the hook's name otherwise.
    const alias = typeof body.username === 'string' && /^[^\p{C}]{1,32}$/u.test(body.username.trim()) ? body.username.trim() : hook.name;
    const salon = hub.conversation(hook.salonId);
    if (!salon) throw new HttpError(404, 'not found');
    if (salon.archived) throw new HttpError(400, 'the salon is archived');
    const stored = await writer.submit({
      clientId: hook.clientId,
      username: hook.username,
      alias,
      salonId: hook.salonId,
      text: text.data,
      ts: clock(),
      clientMsgId: clientMsgId?.data,
      bot: true,
    });
    return {id: stored.id, seq: stored.seq, salon: stored.salonId};
  }

  private take(hook: HookRecord): void {
    const now = this.deps.clock();
    let bucket = this.buckets.get(hook.id);
    if (!bucket) {
      // Bounded: one bucket per hook that posted, hooks being made by hand.
      if (this.buckets.size > 10_000) this.buckets.clear();
      bucket = new TokenBucket(this.deps.rate.perSecond, this.deps.rate.burst, now);
      this.buckets.set(hook.id, bucket);
    }
    const wait = bucket.waitMs(now);
    if (wait > 0) throw new HttpError(429, 'too many posts for this hook', {'Retry-After': String(Math.ceil(wait / 1000))});
    bucket.take(now);
  }
}
