/** How stored and live records look on the wire. One place, so events and responses agree. */
import type {MessageInfo, UserInfo} from '../protocol/frames.js';
import type {StoredMessage} from '../store/types.js';
import type {UserState} from './hub.js';

export const messageInfo = (m: StoredMessage): MessageInfo => ({
  id: m.id,
  salon: m.salonId,
  seq: m.seq,
  author: m.username,
  alias: m.alias,
  text: m.text,
  ts: m.ts,
  ...(m.clientMsgId ? {clientMsgId: m.clientMsgId} : {}),
});

export const userInfo = (u: UserState): UserInfo => ({id: u.id, username: u.username, alias: u.alias, role: u.role});
