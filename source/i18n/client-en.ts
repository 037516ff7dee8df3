/** The terminal client's English strings. Every key exists in client-fr.ts too. */
export const clientEn = {
  'connect.connecting': 'Connecting to {server}…',
  'connect.retry': 'Cannot reach {server} ({reason}). Retrying in {seconds} s… Ctrl+C quits.',
  'login.title': 'Sign in to {server}',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.hint': 'Enter: sign in · Tab: next field · Ctrl+R: create an account · Ctrl+C: quit',
  'login.busy': 'Signing in…',
  'register.title': 'Create an account on {server}',
  'register.alias': 'Alias (shown to others)',
  'register.confirm': 'Confirm password',
  'register.hint': 'Enter: create · Tab: next field · Esc: back to sign in',
  'register.busy': 'Creating the account…',
  'register.done': 'Account {username} created.',
  'register.welcome': 'Account {username} created. Welcome!',
  'form.required': 'Fill in every field.',
  'form.usernameInvalid': 'A username has 2 to 32 letters, digits, dots, dashes or underscores.',
  'form.aliasInvalid': 'An alias has 1 to 32 letters, digits, single spaces and . _ - \'',
  'form.passwordShort': 'The password needs at least {min} characters.',
  'form.passwordMismatch': 'The two passwords differ.',
  'error.USERNAME_TAKEN': 'That username is taken.',
  'error.ALIAS_TAKEN': 'That alias is taken.',
  'error.USERNAME_BANNED': 'That username is banned.',
  'error.INVALID_CREDENTIALS': 'Wrong username or password.',
  'error.INVALID_TOKEN': 'Your session has ended; sign in again.',
  'error.KICKED': 'You were kicked: try again in {minutes} minute(s).',
  'error.BANNED': 'This account is banned.',
  'error.UNKNOWN_SALON': 'There is no salon called {salon}.',
  'error.UNKNOWN_USER': 'There is no user called {username}.',
  'error.NOT_MEMBER': 'You are not a member of that salon.',
  'error.ALREADY_MEMBER': 'You are already a member of that salon.',
  'error.ALREADY_PENDING': 'Your request for that salon is already waiting for a moderator.',
  'error.NO_PENDING_REQUEST': 'That request is no longer waiting.',
  'error.FORBIDDEN': 'Only moderators may do that.',
  'error.STORE_UNAVAILABLE': 'The server cannot store right now; retrying.',
  'error.OVERLOADED': 'The server is busy; retrying.',
  'error.RATE_LIMITED': 'Slow down a little.',
  'error.TOO_MANY_CONNECTIONS': 'Too many connections from this computer.',
  'error.SHUTTING_DOWN': 'The server is shutting down.',
  'error.CONNECTION_CLOSED': 'The connection was lost.',
  'error.BAD_REQUEST': 'The server refused that: {message}',
  'error.generic': 'Error: {message}',
  'error.caFile': 'Cannot read the CA certificate: {message}',
  'status.online': 'connected',
  'status.connecting': 'connecting…',
  'status.reconnecting': 'connection lost, retrying in {seconds} s',
  'status.hints': '/help: help · Tab: next pane · Alt+1-5: salons · Ctrl+K: go to · Alt+M: members · Alt+A: activity',
  'status.pending': '{count} join request(s): Alt+P',
  'salons.title': 'Salons',
  'salons.pending': 'waiting',
  'salons.open': 'open: Enter joins',
  'salons.locked': 'moderated: ask',
  'members.title': 'Members',
  'members.more': '… and {count} more',
  'messages.empty': 'No messages yet.',
  'messages.notMember': 'You are not a member of {salon}: press Enter to join.',
  'messages.pendingJoin': 'Your request to join {salon} is waiting for a moderator.',
  'messages.newBelow': '↓ new messages below: End jumps there',
  'messages.loadingOlder': 'Loading older messages…',
  'messages.loadingNewer': 'Loading newer messages…',
  'messages.start': 'Start of {salon}.',
  'messages.morePending': '… and {count} more waiting to be sent',
  'messages.unread': 'new messages',
  'messages.sending': 'sending…',
  'messages.notSent': 'not sent yet: {reason}',
  'input.placeholder': 'Message {salon}',
  'input.tooLong': 'Too long to send: {chars} characters, at most {max}.',
  'confirm.send': 'Send these {lines} lines ({chars} characters) to {salon} as one message? (y/n)',
  'confirm.sendNote': 'n goes back to the input to edit it.',
  'confirm.ban': 'Ban {username}? (y/n)',
  'confirm.banNote': 'The account is deleted and the name cannot register again; its messages stay.',
  'join.question': 'Join salon {salon}? (y/n)',
  'join.moderatedNote': 'A moderator must accept the request.',
  'join.requested': 'Request sent for {salon}: waiting for a moderator.',
  'join.joined': 'You joined {salon}.',
  'system.joined': '{name} joined salon {salon}.',
  'system.rejected': 'Your request to join {salon} was refused. Access restricted.',
  'system.banned': '{name} was banned.',
  'switcher.title': 'Go to salon: type to filter · Enter opens · Esc closes',
  'pending.title': 'Join requests: ↑↓ choose · a accept · r reject · Esc close',
  'pending.empty': 'No request is waiting.',
  'pending.line': '{username} ({alias}) asks to join {salon}',
  'search.title': 'Messages with “{query}” in {salon}: Esc closes',
  'search.running': 'Searching…',
  'search.none': 'No message contains “{query}”.',
  'window.position': 'lines {first}–{last} of {total} · ↑↓ PgUp PgDn Home End scroll',
  'help.title': 'Keys and commands: Esc closes',
  'help.keys':
    'Tab / Shift+Tab: move focus between salons, messages and input\n' +
    'Alt+1…5, Ctrl+N / Ctrl+P: switch salon · Ctrl+K: salon switcher · Alt+A: next salon with activity\n' +
    'PgUp / PgDn: scroll messages (older pages load by themselves) · End: back to the newest\n' +
    'Enter: send · Alt+Enter: new line · ↑/↓: input history · Tab: complete aliases and commands\n' +
    'Ctrl+A / Ctrl+E: line start / end · Ctrl+W: delete word · Ctrl+U: delete to line start\n' +
    'Alt+M: member list · Alt+P: join requests (moderators) · Esc: close a window · Ctrl+C: quit',
  'cmd.join': '/join SALON: open a salon, or ask to join it',
  'cmd.search': '/search TEXT: search the current salon',
  'cmd.members': '/members: show or hide the member list',
  'cmd.logout': '/logout: sign out',
  'cmd.quit': '/quit: leave the chat',
  'cmd.help': '/help: this help',
  'cmd.kick': '/kick USER: disconnect a user for 5 minutes (moderators)',
  'cmd.ban': '/ban USER: ban a user and delete the account (moderators)',
  'cmd.unknown': 'Unknown command {command}: type /help.',
  'cmd.usage': 'Usage: {usage}',
  'flash.kicked': '{username} was kicked for {minutes} minutes.',
  'flash.banned': '{username} was banned.',
  'flash.accepted': '{username} may now enter {salon}.',
  'flash.rejected': 'Refused {username} in {salon}.',
  'flash.joinRequest': '{username} asks to join {salon} (Alt+P).',
  'ended.kicked': 'A moderator disconnected you. You can sign in again in {minutes} minute(s).',
  'ended.banned': 'A moderator banned this account; it no longer exists.',
  'ended.shutdown': 'The server is shutting down. Reconnecting when it is back…',
  'ended.loggedOut': 'Signed out.',
  'cli.unknownFlag': 'Unknown option {flags}. Valid options: {valid}.',
  'cli.chatHelp': `
  Usage
    $ chat [options]

  The terminal client of salons-chat.

  Options
    --host HOST     server address            [CHAT_HOST, default localhost]
    --port PORT     server port               [CHAT_PORT, default 5000]
    --user NAME     username to sign in with  [CHAT_USER]
    --lang en|fr    interface language        [CHAT_LANG, else the locale]
    --tls           connect with TLS          [CHAT_TLS=1]
    --ca FILE       trust this CA (PEM) instead of the system's  [CHAT_CA]
    --help, --version

  Colours follow NO_COLOR. Inside, /help lists keys and commands.
`,
} as const;

export type ClientKey = keyof typeof clientEn;
