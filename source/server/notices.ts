/**
 * What the server tells its operator. The console (or the log, without a console) turns each
 * notice into a line in the operator's language; the server itself never formats text.
 */
export type Notice =
  | {kind: 'listening'; address: string; store: string}
  | {kind: 'http_listening'; url: string}
  | {kind: 'registered'; username: string}
  | {kind: 'login'; username: string; remote: string}
  | {kind: 'logout'; username: string}
  | {kind: 'joined'; username: string; salonId: number; salonName: string}
  | {kind: 'join_request'; username: string; salonName: string}
  | {kind: 'accepted'; username: string; salonId: number; salonName: string}
  | {kind: 'rejected'; username: string; salonId: number; salonName: string}
  | {kind: 'kicked'; username: string; minutes: number; until?: number; reason?: string}
  /** A kick ended: its time ran out, or a moderator ended it early. */
  | {kind: 'block_ended'; username: string; early: boolean}
  | {kind: 'banned'; username: string}
  /** A person's first sign-in with the company directory made their account. */
  | {kind: 'directory_account'; username: string; moderator: boolean}
  /** The directory sync found the person gone or disabled: the account's sessions ended. */
  | {kind: 'directory_disabled'; username: string}
  | {kind: 'directory_unavailable'; detail: string}
  /** A directory sync ran: accounts checked, brought up to date, disabled. */
  | {kind: 'directory_sync'; checked: number; updated: number; disabled: number}
  | {kind: 'salon_created'; salonName: string; moderated: boolean}
  | {kind: 'salon_archived'; salonName: string}
  | {kind: 'store_unavailable'; detail: string}
  | {kind: 'store_recovered'}
  /** Indexing for search the messages stored before the index existed: how far (0, ..., 100). */
  | {kind: 'search_index'; percent: number}
  /** A retention pass deleted messages past their period (rows: messages and their changes). */
  | {kind: 'retention'; deleted: number}
  | {kind: 'internal_error'; context: string; detail: string}
  | {kind: 'cluster'; node: string; bus: string}
  | {kind: 'bus_down'}
  | {kind: 'bus_up'}
  | {kind: 'node_joined'; node: string}
  | {kind: 'node_lost'; node: string}
  | {kind: 'node_left'; node: string}
  | {kind: 'stopping'}
  | {kind: 'stopped'};

export type Notify = (notice: Notice) => void;
