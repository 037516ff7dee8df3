/** How stored and live records look on the wire. One place, so events and responses agree. */
import type {MessageInfo, UserInfo} from '../protocol/frames.js';
import type {StoredMessage} from '../store/types.js';
import type {UserState} from './hub.js';

/**
 * The name each field of a stored message has on the wire, or null when it stays in the
 * server. The checks below make a field added to the message (store/message-fields.ts) a
 * compile error here until it is named; its name then must be a field of MessageInfo
 * (protocol/frames.ts), and `messageInfo` must write it.
 */
interface WireNames {
  id: 'id';
  salonId: 'salon';
  seq: 'seq';
  username: 'author';
  alias: 'alias';
  text: 'text';
  ts: 'ts';
  clientMsgId: 'clientMsgId';
  kind: 'kind';
  target: 'target';
  replyTo: 'replyTo';
  n: 'n';
  editedAt: 'editedAt';
  deletedAt: 'deletedAt';
  deletedBy: 'deletedBy';
  changedSeq: 'changedSeq';
  /** Clients name an author by username. */
  clientId: null;
  /** The store's word to delivery: this retry was delivered before. */
  replayed: null;
  reply: 'reply';
  bot: 'bot';
}

/** `true` when A and B are the same set of names; else the names that differ, in the error. */
type SameNames<A, B> = [Exclude<A, B> | Exclude<B, A>] extends [never] ? true : {differ: Exclude<A, B> | Exclude<B, A>};

/** MessageInfo's fields that no stored field gives: added when a page is read for a user. */
type ReadFields = 'reactions';

// On the hot path (once per delivered message, before it is encoded): one object literal,
// then only the fields a plain message lacks (most messages have none of them).
const toWire = (m: StoredMessage) => {
  const info: MessageInfo = {id: m.id, salon: m.salonId, seq: m.seq, author: m.username, alias: m.alias, text: m.text, ts: m.ts, n: m.n};
  if (m.clientMsgId) info.clientMsgId = m.clientMsgId;
  if (m.kind !== 'message') info.kind = m.kind;
  if (m.target !== null) info.target = m.target;
  if (m.replyTo !== null) info.replyTo = m.replyTo;
  if (m.reply) info.reply = m.reply;
  if (m.bot) info.bot = true;
  if (m.editedAt !== null) info.editedAt = m.editedAt;
  if (m.deletedAt !== null) info.deletedAt = m.deletedAt;
  if (m.deletedBy !== null) info.deletedBy = m.deletedBy;
  if (m.changedSeq !== 0) info.changedSeq = m.changedSeq;
  return info;
};

const everyFieldNamed: SameNames<keyof WireNames, keyof StoredMessage> = true;
const everyNameInMessageInfo: SameNames<NonNullable<WireNames[keyof WireNames]> | ReadFields, keyof MessageInfo> = true;
void [everyFieldNamed, everyNameInMessageInfo];

export const messageInfo: (m: StoredMessage) => MessageInfo = toWire;

export const userInfo = (u: UserState): UserInfo => ({id: u.id, username: u.username, alias: u.alias, role: u.role});
