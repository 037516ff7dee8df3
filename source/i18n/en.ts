/** English strings. Every key here exists in fr.ts too (the type checker makes sure). */
export const en = {
  'console.username': 'Username: ',
  'console.password': 'Password: ',
  'console.authOk': 'Authentication succeeded for user {username}.',
  'console.authFailed': 'Authentication failed: only a moderator account may operate the console.',
  'console.authGiveUp': 'Too many failed attempts; stopping.',
  'console.prompt': 'Type a command (KICK/BAN/KILL/ACCEPT/REJECT/HELP): ',
  'console.unknownCommand': 'Unknown command {command}. Type HELP for the list.',
  'console.usage': 'Usage: {usage}',
  'console.helpTitle': 'Console commands (case does not matter):',
  'console.help.KICK': 'disconnect a user and refuse their reconnection for a while (default 5 minutes; 30m, 2h, 1d), with a reason they are shown',
  'console.help.BAN': 'disconnect a user for good, with a reason; the account is deleted and the name banned',
  'console.help.UNBLOCK': 'end a kick early, or lift the ban on a name',
  'console.help.BLOCKS': 'list current kicks (with the time left) and bans',
  'console.help.AUDIT': 'the latest moderation acts: AUDIT, AUDIT:50, AUDIT:user, AUDIT:salon',
  'console.help.BOT': 'BOT:ADD:name:salon[,salon] makes a bot account and prints its token once; BOT:REVOKE:name revokes it',
  'console.help.BOTS': 'list the bot accounts (without their tokens)',
  'console.badDuration': 'Not a duration: {duration} (examples: 90s, 30m, 2h, 1d; at most a year).',
  'console.kicked': '{username} kicked until {time} ({left}).',
  'console.unkicked': 'The kick of {username} is over: they may sign in again.',
  'console.unbanned': 'The name {username} is no longer banned.',
  'console.noBlocks': 'Nobody is kicked or banned.',
  'console.kickLine': '  {username}: kicked, {left} left (until {time}){reason}',
  'console.banLine': '  {username}: banned{reason}',
  'console.noAudit': 'No record in the audit log.',
  'console.botAdded': 'Bot {name} may read and write in {salons}. Its token, shown only now (keep it secret):',
  'console.botRevoked': 'Bot {name} revoked: its token no longer works and its connections are closed.',
  'console.botUnknown': 'No live bot named {name}.',
  'console.noBots': 'No bot account.',
  'console.botLine': '  {name} → {salons} (since {time})',
  'console.botLineRevoked': '  {name} (since {time}, revoked)',
  'console.help.HOOK': 'HOOK:ADD:salon:name makes a webhook posting into the salon and prints its URL once; HOOK:REVOKE:name revokes it',
  'console.help.HOOKS': 'list the webhooks (without their secrets)',
  'console.hookNoHttp': 'Webhooks need the HTTP listener: start chat-server with --http-port.',
  'console.hookAdded': 'Webhook {name} posts into {salon}. Its URL, shown only now (keep it secret):',
  'console.hookRevoked': 'Webhook {name} revoked.',
  'console.hookUnknown': 'No live webhook named {name}.',
  'console.noHooks': 'No webhook.',
  'console.help.RETENTION': 'how long messages are kept: RETENTION lists; RETENTION:salon:90d, RETENTION:DEFAULT:1y (d, w, y), :off keeps all, RETENTION:salon:default follows the default',
  'console.retentionDefault': 'By default (direct messages and groups too): {period}.',
  'console.retentionSalon': '  {salon}: {period}',
  'console.retentionKeepAll': 'everything kept',
  'console.retentionFollows': 'the default',
  'console.retentionSet': 'Retention of {target}: {period}. Older messages are deleted in the background.',
  'console.retentionDefaultName': 'the default',
  'console.badPeriod': 'Not a retention period: {period} (examples: 30d, 12w, 1y, off, default).',
  'console.hookLine': '  {name} → {salon} (since {time})',
  'console.hookLineRevoked': '  {name} → {salon} (since {time}, revoked)',
  'console.help.KILL': 'stop the server (clients are told, pending messages are stored)',
  'console.help.CREATE': 'create a salon; add :moderated for one that needs a moderator to join',
  'console.help.ARCHIVE': 'archive a salon: read-only, hidden from the list, history kept',
  'console.help.ACCEPT': 'accept a join request',
  'console.help.REJECT': 'reject a join request',
  'console.help.PENDING': 'list the join requests waiting for a moderator',
  'console.help.WHO': 'list the users connected now',
  'console.help.HELP': 'show this list',
  'console.noPending': 'No join request is waiting.',
  'console.pendingLine': '{username} ({alias}) asks to join {salon}, since {time}',
  'console.nobodyOnline': 'Nobody is connected.',
  'console.whoLineElsewhere': '{username} ({alias}){role}, connected to another node',
  'console.whoLine': '{username} ({alias}){role}, {sessions} connection(s)',
  'console.roleModerator': ', moderator',
  'console.firstModerator': 'No moderator account exists yet. Create the first one now.',
  'console.newUsername': 'Moderator username [admin]: ',
  'console.newPassword': 'Password (at least {min} characters): ',
  'console.confirmPassword': 'Confirm the password: ',
  'console.passwordMismatch': 'The passwords differ; try again.',
  'console.passwordTooShort': 'The password must have at least {min} characters.',
  'console.usernameInvalid': 'A username has 2 to 32 letters, digits, dots, dashes or underscores.',
  'console.moderatorRaced': 'An account {username} was created meanwhile (by another node): sign in with it.',
  'console.moderatorCreated': 'Moderator account {username} created.',
  'console.needAdminEnv':
    'No moderator account exists and there is no terminal to ask for one: set CHAT_ADMIN_PASSWORD (and CHAT_ADMIN_USER, default admin) to create it.',
  'console.needAuthEnv':
    'There is no terminal to ask for a moderator login: set CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD to a moderator account.',
  'notice.listening': 'Server waiting for connections on {address} (data: {store}).',
  'notice.registered': 'New account {username}.',
  'notice.login': 'Connection established with {username} ({remote}).',
  'notice.logout': '{username} disconnected.',
  'notice.joined': 'User {username} added to salon {salonId}.',
  'notice.join_request': 'Join request from {username} for salon {salonName}.',
  'notice.accepted': 'User {username} added to salon {salonId}.',
  'notice.rejected': 'User {username} removed from salon {salonId}.',
  'notice.kicked': '{username} kicked: reconnection refused for {minutes} minutes.',
  'notice.httpListening': 'Webhooks accepted at {url}/hooks/<secret>.',
  'notice.searchIndexStart': 'Indexing earlier messages for search; search finds them as it goes.',
  'notice.searchIndexProgress': 'Search index: {percent} % of earlier messages indexed.',
  'notice.retention': 'Retention: {count} stored rows past their period deleted.',
  'notice.searchIndexDone': 'Search index complete: every message can be found.',
  'notice.salonCreated': 'Salon {salon} created (open).',
  'notice.salonCreatedModerated': 'Salon {salon} created (moderated).',
  'notice.salonArchived': 'Salon {salon} archived: read-only, hidden from the list.',
  'error.SALON_EXISTS': 'A salon named {salon} exists already.',
  'notice.banned': '{username} banned: account deleted.',
  'notice.directoryAccount': 'New account {username} from the company directory.',
  'notice.directoryAccountModerator': 'New account {username} from the company directory (moderator: member of the moderator group).',
  'notice.directoryDisabled': '{username} disabled: gone or disabled in the company directory; sessions ended, messages kept.',
  'notice.directoryUnavailable': 'The company directory is unavailable ({detail}): directory accounts cannot sign in; local accounts can.',
  'notice.directorySync': 'Directory sync: {checked} account(s) checked, {updated} updated, {disabled} disabled.',
  'notice.kickedReason': '{username} kicked until {time}: {reason}',
  'notice.blockEnded': 'The kick of {username} has ended: they may sign in again.',
  'notice.blockLifted': 'The kick of {username} was ended early.',
  'notice.store_unavailable': 'Database unavailable ({detail}): messages are refused until it is back.',
  'notice.store_recovered': 'Database reachable again.',
  'notice.internal_error': 'Internal error in {context}: {detail}',
  'notice.cluster': 'Node {node} on the bus {bus}, with the other nodes of this database.',
  'notice.bus_down': 'Bus to the other nodes lost: their messages are read from the database until it is back.',
  'notice.bus_up': 'Bus to the other nodes back.',
  'notice.node_joined': 'Node {node} joined.',
  'notice.node_lost': 'Node {node} stopped answering: its users are shown offline.',
  'notice.node_left': 'Node {node} stopped.',
  'server.sqliteSingleNode': 'SQLite serves one node only: --bus (CHAT_BUS_URL) needs a shared MySQL or MariaDB database (--db mysql://...).',
  'server.ldapUrl': 'Invalid directory URL {url}: expected ldap://host or ldaps://host.',
  'server.ldapBaseDn': 'With --ldap-url, give the base DN to search under (--ldap-base-dn).',
  'server.ldapBindPassword': 'The directory service account has no password: give --ldap-bind-password-file (or CHAT_LDAP_BIND_PASSWORD).',
  'server.ldapInterval': 'Invalid directory sync interval {value}: expected e.g. 90s, 15m, 1h, 1d, or 0 for none.',
  'server.ldapFile': 'Cannot read {file}: {message}',
  'server.ldapFilter': 'Invalid directory user filter {filter}: it must be an LDAP filter containing {username}, e.g. (uid={username}).',
  'server.ldapPlain': 'Warning: the directory is reached over plain ldap:// without --ldap-starttls: employees\' passwords cross the network in clear.',
  'server.ldapOn': 'Directory sign-in: {url} (registration {registration}; sync every {interval}).',
  'server.ldapRegistrationOpen': 'open',
  'server.ldapRegistrationClosed': 'closed',
  'server.ldapSyncOff': 'never',
  'server.busUrl': 'Invalid bus URL {url}: expected redis://host:port.',
  'notice.stopping': 'Stopping: clients are told, pending messages stored…',
  'notice.stopped': 'Server stopped.',
  'error.UNKNOWN_USER': 'Unknown user {username}.',
  'error.UNKNOWN_SALON': 'Unknown salon {salon}.',
  'error.ALREADY_MEMBER': 'User {username} is already a member of salon {salon}.',
  'error.NO_PENDING_REQUEST': '{username} has no pending join request for salon {salon}.',
  'error.USERNAME_TAKEN': 'An account named {username} exists already.',
  'error.STORE_UNAVAILABLE': 'The database is unavailable; nothing was changed. Try again shortly.',
  'error.generic': 'Error: {message}',
  'server.startFailed': 'chat-server could not start: {message}',
  'server.dbUnreachable': 'Cannot reach the database at {location}: {message}',
  'server.tlsFiles': 'Cannot read the TLS certificate or key: {message}',
  'server.portInUse': 'Port {port} on {host} is already in use. Choose another with --port or CHAT_PORT.',
  'cli.unknownFlag': 'Unknown option {flags}. Valid options: {valid}.',
  'cli.exportHelp': `
  Usage
    $ chat-server export [options]

  Writes the database as JSON Lines: a version record, then accounts (never a password
  hash or token), salons, memberships, join requests, messages with their changes, the
  audit log, and an end record with the counts. Uses the same database options as the
  server and may run while it serves. The export is recorded in the audit log.

  Options
    --out FILE         write to FILE (created readable by its owner only); default stdout
    --since YYYY-MM-DD messages and audit records from that day on (UTC)
    --until YYYY-MM-DD ... up to and including that day (UTC)
    --salon NAME       one salon only: its members, memberships and messages
    --user NAME        everything about one person, for a data-protection request:
                       their account, memberships, messages, join requests and the
                       audit records about them
    --operator NAME    who exports, in the audit log  [default: the system user]
    --db URL, --data-dir DIR, --lang en|fr   as for the server
    --help
`,
  'export.badDate': 'Not a date: {date} (YYYY-MM-DD).',
  'export.unknownSalon': 'No salon named {salon}.',
  'export.noAccount': 'No account named {user}: the export holds only what else refers to that name.',
  'export.done': 'Exported {accounts} accounts, {salons} salons, {memberships} memberships, {joinRequests} join requests, {messages} messages, {changes} changes and {audit} audit records to {file}.',
  'export.failed': 'The export failed: {message}',
  'cli.serverHelp': `
  Usage
    $ chat-server [options]
    $ chat-server export [options]     (chat-server export --help)

  Starts the chat server. With no option it listens on localhost:5000 and keeps its data
  in an SQLite file under the data directory (created on first start).

  Options
    --host HOST        address to listen on            [CHAT_HOST, default localhost]
    --port PORT        TCP port                        [CHAT_PORT, default 5000]
    --db URL           mysql://user:pass@host:3306/db to use MySQL or MariaDB
                       instead of SQLite               [CHAT_DB_URL]
    --data-dir DIR     where the SQLite file lives     [CHAT_DATA_DIR,
                       default $XDG_DATA_HOME/salons-chat or ~/.local/share/salons-chat]
    --lang en|fr       console language                [CHAT_LANG, else the locale]
    --no-console       no command prompt (service managers); the operator is
                       authenticated from CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD
    --tls-cert FILE    PEM certificate chain: speak TLS  [CHAT_TLS_CERT]
    --tls-key FILE     PEM private key for it            [CHAT_TLS_KEY]
    --message-rate N   messages per second per connection, bursts of 3N
                                                     [CHAT_MESSAGE_RATE, default 10]
    --max-connections-per-address N                  [CHAT_MAX_CONNECTIONS_PER_ADDRESS, default 50]
    --idle-timeout S   close connections silent for S seconds
                                                     [CHAT_IDLE_TIMEOUT, default 90]
    --logins-per-address N  logins per minute from one IP address
                                                     [CHAT_LOGINS_PER_ADDRESS, default 60]
    --registrations-per-address N  accounts registered per hour from one IP address
                                                     [CHAT_REGISTRATIONS_PER_ADDRESS, default 10]
    --http-port N      accept incoming webhooks over HTTP on this port (TLS with
                       --tls-cert/--tls-key)        [CHAT_HTTP_PORT, default off]
    --edit-window M    authors may edit or delete a message for M minutes after
                       sending it (0: always)      [CHAT_EDIT_WINDOW, default 0]
    --no-author-delete only moderators delete messages (in salons)
                                                     [CHAT_AUTHOR_DELETE=0]
    --bus URL          redis://host:6379: join the other nodes on the same MySQL
                       database (several nodes behind a load balancer) [CHAT_BUS_URL]
    --node-id NAME     this node's name in logs       [CHAT_NODE_ID, default host-pid]
    --dashboard        after sign-in, a full-screen live view of every node
                       instead of the line prompt (: runs a command) [CHAT_DASHBOARD=1]
    --help, --version

  Sign-in with the company directory (LDAP / Active Directory; docs/OPERATIONS.md)
    --ldap-url URL     ldap://host or ldaps://host: turns directory sign-in on [CHAT_LDAP_URL]
    --ldap-bind-dn DN  the service account that searches [CHAT_LDAP_BIND_DN]
    --ldap-bind-password-file FILE  its password, read from a file
                                      [CHAT_LDAP_BIND_PASSWORD_FILE]
    --ldap-bind-password PW  the same on the command line (seen in ps: prefer the file)
                                      [CHAT_LDAP_BIND_PASSWORD]
    --ldap-base-dn DN  where people are searched      [CHAT_LDAP_BASE_DN]
    --ldap-user-filter F  finds a person by the typed name, escaped
                       [CHAT_LDAP_USER_FILTER, default (uid={username});
                       AD: (&(objectClass=user)(sAMAccountName={username}))]
    --ldap-alias-attribute A,B  display name attributes, first present wins
                                      [CHAT_LDAP_ALIAS_ATTRIBUTE, default displayName,cn]
    --ldap-id-attribute A  stable id: entryUUID, or objectGUID for AD
                                      [CHAT_LDAP_ID_ATTRIBUTE, default entryUUID]
    --ldap-moderator-group DN  direct members of this group are moderators
                                      [CHAT_LDAP_MODERATOR_GROUP]
    --ldap-starttls    upgrade ldap:// with StartTLS  [CHAT_LDAP_STARTTLS=1]
    --ldap-ca-file FILE  PEM CA the directory's certificate must chain to
                                      [CHAT_LDAP_CA_FILE, default the system's]
    --ldap-sync-interval T  disable people gone or disabled in the directory,
                       follow names and the group (90s, 15m, 1h; 0: never)
                                      [CHAT_LDAP_SYNC_INTERVAL, default 1h]
    --ldap-register    keep self-registration open beside the directory
                                      [CHAT_LDAP_REGISTER=1, default closed]

  The console asks for a moderator's username and password at start. The first start
  creates the first moderator account (from the prompt, or CHAT_ADMIN_USER and
  CHAT_ADMIN_PASSWORD).

  Examples
    $ chat-server
    $ chat-server --port 6000 --db mysql://chat:secret@127.0.0.1:3306/chat
`,
} as const;

export type MessageKey = keyof typeof en;
