/**
 * Validation at the edge: turns one decoded line into a typed request, or into the error
 * response that the peer will get. Nothing past this point re-checks shapes.
 */
import {ChatError} from './errors.js';
import {type Request, type RequestId, requestIdSchema, requestSchemas} from './frames.js';

export type Parsed = {ok: true; request: Request} | {ok: false; id: RequestId | null; error: ChatError};

export function parseRequest(line: string): Parsed {
  try {
    return parse(line);
  } catch {
    // Whatever a line does to the parsers (a stack overflow on absurd nesting), it stays a
    // bad frame for its sender and never becomes an exception for the server.
    return {ok: false, id: null, error: new ChatError('BAD_FRAME')};
  }
}

function parse(line: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return {ok: false, id: null, error: new ChatError('BAD_FRAME')};
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {ok: false, id: null, error: new ChatError('BAD_FRAME')};
  }
  const frame = raw as Record<string, unknown>;
  const idCheck = requestIdSchema.safeParse(frame.id);
  if (!idCheck.success) {
    return {ok: false, id: null, error: new ChatError('BAD_REQUEST', 'Every request needs an "id": a number or a short string.')};
  }
  const id = idCheck.data;
  const type = frame.type;
  if (typeof type !== 'string' || !Object.hasOwn(requestSchemas, type)) {
    // Echo only a short string: a client-made structure could be huge or deeply nested.
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 64)) : 'missing or not a string';
    return {ok: false, id, error: new ChatError('UNKNOWN_TYPE', `Unknown request type (${shown}).`)};
  }
  const schema = requestSchemas[type as keyof typeof requestSchemas];
  const checked = schema.safeParse(frame);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 5).map((issue) => ({field: issue.path.join('.'), problem: issue.message}));
    const first = issues[0];
    const message = first ? `Invalid field "${first.field}": ${first.problem}.` : undefined;
    return {ok: false, id, error: new ChatError('BAD_REQUEST', message, {issues})};
  }
  return {ok: true, request: {...checked.data, id, type} as Request};
}
