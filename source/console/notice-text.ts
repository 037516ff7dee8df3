/** A server notice as one line in the operator's language. */
import type {Translate} from '../i18n/index.js';
import type {Notice} from '../server/notices.js';

export function noticeText(t: Translate, notice: Notice): string {
  switch (notice.kind) {
    case 'listening':
      return t('notice.listening', {address: notice.address, store: notice.store});
    case 'registered':
    case 'logout':
    case 'banned':
      return t(`notice.${notice.kind}`, {username: notice.username});
    case 'login':
      return t('notice.login', {username: notice.username, remote: notice.remote});
    case 'joined':
    case 'accepted':
    case 'rejected':
      return t(`notice.${notice.kind}`, {username: notice.username, salonId: notice.salonId, salonName: notice.salonName});
    case 'join_request':
      return t('notice.join_request', {username: notice.username, salonName: notice.salonName});
    case 'directory_account':
      return t(notice.moderator ? 'notice.directoryAccountModerator' : 'notice.directoryAccount', {username: notice.username});
    case 'directory_disabled':
      return t('notice.directoryDisabled', {username: notice.username});
    case 'directory_unavailable':
      return t('notice.directoryUnavailable', {detail: notice.detail});
    case 'directory_sync':
      return t('notice.directorySync', {checked: notice.checked, updated: notice.updated, disabled: notice.disabled});
    case 'kicked':
      if (notice.reason && notice.until) return t('notice.kickedReason', {username: notice.username, time: new Date(notice.until).toLocaleString(), reason: notice.reason});
      return t('notice.kicked', {username: notice.username, minutes: notice.minutes});
    case 'block_ended':
      return t(notice.early ? 'notice.blockLifted' : 'notice.blockEnded', {username: notice.username});
    case 'salon_created':
      return t(notice.moderated ? 'notice.salonCreatedModerated' : 'notice.salonCreated', {salon: notice.salonName});
    case 'http_listening':
      return t('notice.httpListening', {url: notice.url});
    case 'retention':
      return t('notice.retention', {count: notice.deleted});
    case 'search_index':
      return t(notice.percent === 0 ? 'notice.searchIndexStart' : notice.percent >= 100 ? 'notice.searchIndexDone' : 'notice.searchIndexProgress', {percent: notice.percent});
    case 'salon_archived':
      return t('notice.salonArchived', {salon: notice.salonName});
    case 'store_unavailable':
      return t('notice.store_unavailable', {detail: notice.detail});
    case 'internal_error':
      return t('notice.internal_error', {context: notice.context, detail: notice.detail});
    case 'cluster':
      return t('notice.cluster', {node: notice.node, bus: notice.bus});
    case 'node_joined':
    case 'node_lost':
    case 'node_left':
      return t(`notice.${notice.kind}`, {node: notice.node});
    case 'bus_down':
    case 'bus_up':
    case 'store_recovered':
    case 'stopping':
    case 'stopped':
      return t(`notice.${notice.kind}`);
  }
}
