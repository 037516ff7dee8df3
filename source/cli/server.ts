/**
 * chat-server: flags and environment, the store, the operator's authentication, the
 * server, and the console. Exits 0 after a graceful stop (KILL, SIGTERM, Ctrl+C).
 */
import {readFileSync} from 'node:fs';
import {Readable} from 'node:stream';
import meow from 'meow';
import {ConsoleAuthError, authenticate, ensureModerator} from '../console/auth.js';
import {runCommand} from '../console/commands.js';
import {noticeText} from '../console/notice-text.js';
import {OperatorTerminal} from '../console/prompt.js';
import type {DashboardHandle} from '../dashboard/run.js';
import {detectLang, translator} from '../i18n/index.js';
import {hostname} from 'node:os';
import type {Bus} from '../server/bus.js';
import {defaultPolicy} from '../server/policy.js';
import {RedisBus} from '../server/redis-bus.js';
import type {Notice} from '../server/notices.js';
import {type ChatServer, startServer} from '../server/server.js';
import {openStore} from '../store/open.js';
import type {Store} from '../store/types.js';
import {defaultDataDir, envPort, flagList, peekFlag, unknownFlags} from './env.js';
import {LdapConfigError, directoryFromFlags, ldapFlags} from './ldap.js';

export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  if (argv[0] === 'export') return (await import('./export.js')).exportMain(argv.slice(1), env);
  const lang = detectLang(peekFlag(argv, 'lang') ?? env.CHAT_LANG, env);
  const t = translator(lang);
  const definition = {
    host: {type: 'string', default: env.CHAT_HOST || 'localhost'},
    port: {type: 'number', default: envPort(env.CHAT_PORT, 5000)},
    db: {type: 'string', default: env.CHAT_DB_URL || ''},
    dataDir: {type: 'string', default: defaultDataDir(env)},
    lang: {type: 'string', default: lang},
    console: {type: 'boolean', default: !['1', 'true', 'yes'].includes((env.CHAT_NO_CONSOLE ?? '').toLowerCase())},
    tlsCert: {type: 'string', default: env.CHAT_TLS_CERT || ''},
    tlsKey: {type: 'string', default: env.CHAT_TLS_KEY || ''},
    messageRate: {type: 'number', default: Number(env.CHAT_MESSAGE_RATE) || defaultPolicy.messagesPerSecond},
    maxConnectionsPerAddress: {type: 'number', default: Number(env.CHAT_MAX_CONNECTIONS_PER_ADDRESS) || defaultPolicy.maxConnectionsPerAddress},
    idleTimeout: {type: 'number', default: Number(env.CHAT_IDLE_TIMEOUT) || defaultPolicy.idleTimeoutMs / 1000},
    loginsPerAddress: {type: 'number', default: Number(env.CHAT_LOGINS_PER_ADDRESS) || defaultPolicy.loginsPerAddressPerMinute},
    registrationsPerAddress: {type: 'number', default: Number(env.CHAT_REGISTRATIONS_PER_ADDRESS) || defaultPolicy.registrationsPerAddress},
    httpPort: {type: 'number', default: envPort(env.CHAT_HTTP_PORT, 0)},
    editWindow: {type: 'number', default: Number(env.CHAT_EDIT_WINDOW) || 0},
    authorDelete: {type: 'boolean', default: !['0', 'false', 'no'].includes((env.CHAT_AUTHOR_DELETE ?? '').toLowerCase())},
    bus: {type: 'string', default: env.CHAT_BUS_URL || ''},
    nodeId: {type: 'string', default: env.CHAT_NODE_ID || ''},
    dashboard: {type: 'boolean', default: ['1', 'true', 'yes'].includes((env.CHAT_DASHBOARD ?? '').toLowerCase())},
    ...ldapFlags(env),
  } as const;
  const unknown = unknownFlags(argv, definition);
  if (unknown.length > 0) {
    console.error(t('cli.unknownFlag', {flags: unknown.join(', '), valid: flagList(definition)}));
    return 2;
  }
  const cli = meow(t('cli.serverHelp'), {importMeta: import.meta, argv, flags: definition});
  // meow answers --help and --version only when alone: `--help --lang fr` must answer too.
  if (argv.includes('--help')) cli.showHelp(0);
  if (argv.includes('--version')) cli.showVersion();
  const {flags} = cli;
  // Without a console, nothing is read from stdin: a service manager's stdin may be anything.
  const input = flags.console ? process.stdin : Readable.from([]);
  const term = new OperatorTerminal(input, process.stdout);

  let tls: {cert: Buffer; key: Buffer} | undefined;
  if (flags.tlsCert || flags.tlsKey) {
    try {
      tls = {cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey)};
    } catch (error) {
      term.close();
      console.error(t('server.tlsFiles', {message: error instanceof Error ? error.message : String(error)}));
      return 1;
    }
  }
  const policy = {
    messagesPerSecond: flags.messageRate,
    messageBurst: Math.max(1, flags.messageRate * 3),
    maxConnectionsPerAddress: flags.maxConnectionsPerAddress,
    idleTimeoutMs: flags.idleTimeout * 1000,
    loginsPerAddressPerMinute: flags.loginsPerAddress,
    registrationsPerAddress: flags.registrationsPerAddress,
    // Minutes; 0 (the default) means no limit.
    editWindowMs: flags.editWindow > 0 ? flags.editWindow * 60_000 : null,
    authorsMayDelete: flags.authorDelete,
  };

  if (flags.bus && !flags.db) {
    term.close();
    console.error(t('server.sqliteSingleNode'));
    return 1;
  }
  if (flags.bus && !/^rediss?:\/\/[^/]/.test(flags.bus)) {
    term.close();
    console.error(t('server.busUrl', {url: flags.bus}));
    return 1;
  }

  let directory: ReturnType<typeof directoryFromFlags>;
  try {
    directory = directoryFromFlags(flags);
  } catch (error) {
    term.close();
    if (!(error instanceof LdapConfigError)) throw error;
    console.error(t(error.key, error.params));
    return 1;
  }

  let store: Store;
  try {
    store = await openStore({dbUrl: flags.db, dataDir: flags.dataDir});
  } catch (error) {
    term.close();
    const message = error instanceof Error ? error.message : String(error);
    console.error(flags.db ? t('server.dbUnreachable', {location: flags.db.replace(/:[^:@/]*@/, ':***@'), message}) : t('server.startFailed', {message}));
    return 1;
  }

  let operator: string;
  try {
    operator = (await ensureModerator(store, term, t, env)) ?? (await authenticate(store, term, t, env));
  } catch (error) {
    term.close();
    await store.close();
    console.error(error instanceof ConsoleAuthError ? error.message : t('server.startFailed', {message: String(error)}));
    return 1;
  }
  term.print(t('console.authOk', {username: operator}));

  // Notices go to the line console, or to the dashboard while it is on screen.
  let dashboard: DashboardHandle | undefined;
  const notify = (notice: Notice) => (dashboard ? dashboard.notice(notice) : term.print(noticeText(t, notice)));
  if (directory) {
    const registration = t(directory.allowRegister ? 'server.ldapRegistrationOpen' : 'server.ldapRegistrationClosed');
    term.print(t('server.ldapOn', {url: flags.ldapUrl, registration, interval: directory.syncIntervalMs > 0 ? flags.ldapSyncInterval : t('server.ldapSyncOff')}));
    if (directory.plain) term.print(t('server.ldapPlain'));
  }
  let bus: Bus | undefined;
  const nodeId = flags.nodeId || (flags.bus ? `${hostname()}-${process.pid}` : hostname());
  if (flags.bus) {
    const redis = new RedisBus({url: flags.bus, namespace: store.location, nodeId});
    // Not fatal: the node serves its own clients and catches up from the database until
    // Redis answers (ioredis keeps trying); the console says when the bus is down.
    await redis.connect();
    notify({kind: 'cluster', node: redis.instance, bus: flags.bus.replace(/:[^:@/]*@/, ':***@')});
    bus = redis;
  }

  // Listened for before the server starts: a service manager may stop it as soon as the
  // listening line is out, before the code below has run.
  let stopAsked = false;
  let stopNow: (() => void) | undefined;
  const onSignal = () => {
    // A second signal while stopping: the operator wants out now.
    if (stopAsked) process.exit(1);
    stopAsked = true;
    stopNow?.();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let server: ChatServer;
  try {
    const http = flags.httpPort > 0 ? {port: flags.httpPort} : undefined;
    server = await startServer({store, bus, host: flags.host, port: flags.port, tls, policy, notify, http, node: nodeId, directory});
  } catch (error) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    term.close();
    await bus?.close();
    await store.close();
    const code = (error as {code?: string}).code;
    console.error(code === 'EADDRINUSE' ? t('server.portInUse', {port: flags.port, host: flags.host}) : t('server.startFailed', {message: String(error)}));
    return 1;
  }
  // Listening: searches may come at once (Store.prepareSearch).
  store.prepareSearch().catch(() => {});

  // The address a script reaches: the listening one, or this machine's name when it listens everywhere.
  const hookUrl = server.http
    ? (secret: string) => {
        const at = server.http as NonNullable<ChatServer['http']>;
        const host = ['0.0.0.0', '::'].includes(at.host) ? hostname() : at.host.includes(':') ? `[${at.host}]` : at.host;
        return `${at.tls ? 'https' : 'http'}://${host}:${at.port}/hooks/${secret}`;
      }
    : undefined;
  // Ink and React take seconds to load on a busy machine: only a dashboard pays for them.
  const dashboardModule = flags.dashboard ? await import('../dashboard/run.js') : undefined;
  const finished = new Promise<void>((resolve) => {
    let stopping = false;
    const kill = async () => {
      if (stopping) return;
      stopping = true;
      // The terminal is given back first: the stop's notices are read on the normal screen.
      dashboard?.close();
      dashboard = undefined;
      await server.stop();
      term.close();
      await store.close();
      resolve();
    };
    stopNow = () => void kill();
    if (stopAsked) stopNow();
    term.onInterrupt(() => void kill());
    if (flags.dashboard && !flags.console) term.print(t('dashboard.noConsole'));
    else if (flags.dashboard && !(process.stdin.isTTY && process.stdout.isTTY)) term.print(t('dashboard.noTerminal'));
    else if (flags.dashboard) {
      // The operator signed in at the line prompt; from here on the keyboard is the dashboard's.
      term.close();
      dashboard = (dashboardModule as typeof import('../dashboard/run.js')).openDashboard({server, operator, t, kill, hookUrl, color: !env.NO_COLOR});
      return;
    }
    void (async () => {
      for await (const line of term.commands(t('console.prompt'))) {
        await runCommand({moderation: server.moderation, t, print: (l) => term.print(l), operator, kill, hookUrl}, line);
      }
    })();
  });
  await finished;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return 0;
}
