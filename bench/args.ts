/** The bench's command line: node:util parseArgs, each scenario's defaults, usage text. */
import {parseArgs} from 'node:util';

export const SCENARIOS = ['fanout', 'salons', 'throughput', 'idle', 'storm', 'history', 'client', 'dm', 'search'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Options {
  scenario: ScenarioName;
  /** mysql://user:pass@host:port/ (a throwaway database is made there), or undefined: SQLite. */
  db: string | undefined;
  clients: number;
  senders: number;
  /** Offered messages per second, all senders together (throughput: 0 = closed loop, as fast as acknowledged). */
  rate: number;
  /** throughput with --rate 0: sends each sender keeps unacknowledged. */
  window: number;
  /** Seconds of traffic (fanout, salons, storm's warm-up) or of holding (idle). */
  duration: number;
  /** history: messages seeded; storm: messages stored while the clients were away; throughput: earlier messages of the senders. */
  messages: number;
  /** history: older pages requested at random depths. */
  pages: number;
  /** Connections opened at once while setting up. */
  concurrency: number;
  /** Clients that also ask for their salon's member list (and so get its presence events). */
  watchers: number;
  /** fanout, salons: the share of sends made an edit of one's own message or a reaction (0..1). */
  changes: number;
  /** search: clients searching in the phases with searches (0: none searches). */
  searchers: number;
  json: boolean;
  /** Directory for a V8 CPU profile of the server (node --cpu-prof). */
  profile: string | undefined;
  /** fanout, salons on MySQL: chat-server nodes joined by a private redis-server (cluster.ts). */
  nodes: number;
  /** With nodes >= 2: SIGKILL the last node in the middle of the traffic. */
  killNode: boolean;
  /** client: the terminal's size. */
  columns: number;
  rows: number;
  /** client: the busy salon is not the one on screen (unread counting only). */
  background: boolean;
  /** client: --max-old-space-size of the chat client, MB (0: Node's default). */
  clientHeap: number;
  /** client: seconds held after the traffic before the final RSS. */
  quiet: number;
}

type Defaults = Pick<Options, 'clients' | 'senders' | 'rate' | 'duration' | 'messages' | 'pages'>;

export const DEFAULTS: Record<ScenarioName, Defaults> = {
  fanout: {clients: 1000, senders: 10, rate: 500, duration: 20, messages: 0, pages: 0},
  salons: {clients: 2000, senders: 200, rate: 2000, duration: 20, messages: 0, pages: 0},
  throughput: {clients: 20, senders: 20, rate: 0, duration: 10, messages: 0, pages: 0},
  idle: {clients: 10_000, senders: 0, rate: 0, duration: 10, messages: 0, pages: 0},
  storm: {clients: 2000, senders: 1, rate: 50, duration: 2, messages: 100, pages: 0},
  history: {clients: 1, senders: 0, rate: 0, duration: 0, messages: 1_000_000, pages: 50},
  client: {clients: 3, senders: 2, rate: 10, duration: 60, messages: 0, pages: 0},
  dm: {clients: 2000, senders: 2000, rate: 2000, duration: 20, messages: 0, pages: 0},
  search: {clients: 1000, senders: 10, rate: 1000, duration: 20, messages: 1_000_000, pages: 0},
};

export const USAGE = `Usage: npm run bench -- --scenario NAME [options]

Starts chat-server as a child process on a throwaway store, seeds accounts and sessions
straight into the database, connects the clients from a separate load process, and
reports throughput, latency, storage and server resources. Every run stops by itself.

Scenarios (defaults):
  fanout      1000 clients in Général, 10 senders, 500 msgs/s in total, 20 s
  salons      2000 clients spread over the five salons, 200 senders, 2000 msgs/s, 20 s
  throughput  stored messages/s: 20 senders spread over the five salons (4 online
              members each), closed loop (each keeps --window sends unacknowledged),
              10 s; with --rate R: open loop at R msgs/s
  idle        10000 idle logged-in clients; server memory and CPU, held 10 s
  storm       2000 clients; the server restarts; all resume and re-sync at once
  history     1,000,000 messages in one salon; newest page, then 50 older pages
  client      the real chat client in tmux (80x24), signed in as the last account,
              looking at Général while 2 senders send 10 msgs/s there for 60 s; its
              CPU, peak and final RSS, frames drawn per second
  dm          2000 clients in 1000 pairs, each pair in its direct message (opened
              with the protocol's dm request); everyone sends, 2000 msgs/s in all,
              20 s; latency to the other participant, each message checked received
              exactly once, server memory per idle direct message (after GC)
  search      1,000,000 messages in Général, indexed; fanout at 1000 msgs/s to 1000
              clients in 4 phases of 20 s, in the 2nd and 4th 10 clients search
              (one search each per 2.1 s); delivery latency by phase, search
              latency by kind of query, the full-text index's size on disk

Options:
  --scenario NAME     one of ${SCENARIOS.join(', ')} (required)
  --db URL            mysql://user:pass@host:port/ : run on a throwaway database
                      chat_bench_<random> there (dropped afterwards); default: SQLite
                      in a temporary directory
  --clients N         connected clients (throughput, dm: --clients and --senders follow
                      each other when only one is given; dm: an even number)
  --senders N         clients that send (fanout, salons, throughput, dm; storm's warm-up)
  --rate R            offered messages per second, all senders together (throughput:
                      0, the default, runs closed loop: as fast as acknowledgements come)
  --window N          throughput, closed loop: sends each sender keeps unacknowledged
                      (default 100)
  --duration S        seconds of traffic (idle: seconds held)
  --messages N        history, search: messages seeded; storm: messages missed during the
                      restart; throughput: earlier messages of the senders, seeded
                      (default 0)
  --searchers N       search: clients that search in the phases with searches (the
                      last N; default 10; 0: no phase searches)
  --pages N           history: older pages requested
  --concurrency N     connections opened at once while setting up (default 200)
  --watchers N        the first N clients also send \`members\` after resume, as a client
                      showing the member list does, and so receive presence events
                      (default 0)
  --changes F         fanout, salons: the share F (0-1) of sends that are instead an edit
                      of the sender's newest message or a reaction to the salon's newest
                      message (alternately), through the edit and react requests
                      (default 0)
  --profile DIR       write a V8 CPU profile of the server (node --cpu-prof) into DIR
  --nodes N           fanout, salons: N chat-server nodes on the throwaway MySQL database
                      (needs --db), joined by a private redis-server; client i on node
                      i mod N; adds same/cross-node latency, lost/duplicated by seq,
                      per-node and Redis CPU (default 1: one server, no bus)
  --kill-node         with --nodes >= 2: SIGKILL the last node in the middle of the
                      traffic; its clients resume on the others and catch up
  --background        client: the client looks at a quiet salon; Général is busy in the
                      background (unread counting only)
  --client-heap MB    client: run the chat client with --max-old-space-size=MB
  --columns N, --rows N
                      client: the terminal's size (default 80x24)
  --quiet S           client: seconds held after the traffic before the final RSS
                      (default 10)
  --json              print one JSON object instead of the table
  --help              this text
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const positive = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (name !== 'duration' && name !== 'rate' && name !== 'quiet' && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a ${name === 'duration' || name === 'rate' ? 'number' : 'whole number'} >= ${min}, not ${JSON.stringify(raw)}`);
  }
  return value;
};

const share = (raw: string | undefined): number => {
  if (raw === undefined) return 0;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`--changes must be a number from 0 to 1, not ${JSON.stringify(raw)}`);
  return value;
};

/** Returns the options, or 'help'. Throws UsageError on bad input. */
export function parseOptions(argv: string[]): Options | 'help' {
  let values;
  try {
    ({values} = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: {type: 'string'},
        db: {type: 'string'},
        clients: {type: 'string'},
        senders: {type: 'string'},
        rate: {type: 'string'},
        duration: {type: 'string'},
        messages: {type: 'string'},
        pages: {type: 'string'},
        concurrency: {type: 'string'},
        watchers: {type: 'string'},
        changes: {type: 'string'},
        searchers: {type: 'string'},
        window: {type: 'string'},
        profile: {type: 'string'},
        nodes: {type: 'string'},
        'kill-node': {type: 'boolean', default: false},
        background: {type: 'boolean', default: false},
        'client-heap': {type: 'string'},
        columns: {type: 'string'},
        rows: {type: 'string'},
        quiet: {type: 'string'},
        json: {type: 'boolean', default: false},
        help: {type: 'boolean', short: 'h', default: false},
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const scenario = values.scenario as ScenarioName | undefined;
  if (!scenario) throw new UsageError('--scenario is required');
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`unknown scenario ${JSON.stringify(scenario)}; choose one of ${SCENARIOS.join(', ')}`);
  const d = DEFAULTS[scenario];
  const db = values.db?.trim() || undefined;
  if (db && !/^(mysql|mariadb):\/\//i.test(db)) throw new UsageError('--db takes a mysql://user:pass@host:port/ URL (SQLite is the default)');
  // throughput, dm: every client sends unless told otherwise; either count sets the other.
  const follow = scenario === 'throughput' || scenario === 'dm';
  const clients = positive('clients', values.clients, follow && values.senders !== undefined ? Number(values.senders) : d.clients);
  const senders = positive('senders', values.senders, follow ? clients : d.senders, 0);
  const options: Options = {
    scenario,
    db,
    clients,
    senders,
    rate: positive('rate', values.rate, d.rate, 0),
    duration: positive('duration', values.duration, d.duration, 0),
    messages: positive('messages', values.messages, d.messages, 0),
    pages: positive('pages', values.pages, d.pages, 0),
    concurrency: positive('concurrency', values.concurrency, 200),
    watchers: positive('watchers', values.watchers, 0, 0),
    changes: share(values.changes),
    searchers: positive('searchers', values.searchers, 10, 0),
    window: positive('window', values.window, 100),
    json: values.json ?? false,
    profile: values.profile,
    nodes: positive('nodes', values.nodes, 1),
    killNode: values['kill-node'] ?? false,
    columns: positive('columns', values.columns, 80, 60),
    rows: positive('rows', values.rows, 24, 10),
    background: values.background ?? false,
    clientHeap: positive('client-heap', values['client-heap'], 0, 0),
    quiet: positive('quiet', values.quiet, 10, 0),
  };
  const clientOnly = values.background || values['client-heap'] !== undefined || values.columns !== undefined || values.rows !== undefined || values.quiet !== undefined;
  if (clientOnly && scenario !== 'client') throw new UsageError('--background, --client-heap, --columns, --rows and --quiet apply to the client scenario only');
  if (scenario === 'client' && options.senders >= options.clients) throw new UsageError('client: --senders must be fewer than --clients (the last account is the terminal\'s)');
  if (options.nodes > 1 && scenario !== 'fanout' && scenario !== 'salons') throw new UsageError('--nodes applies to the fanout and salons scenarios only');
  if (options.nodes > 1 && !db) throw new UsageError('--nodes needs --db mysql://user:pass@host:port/ (several nodes share one MySQL/MariaDB database; SQLite serves one node)');
  if (options.killNode && options.nodes < 2) throw new UsageError('--kill-node needs --nodes 2 or more (and --db mysql://...)');
  if ((scenario === 'fanout' || scenario === 'salons' || scenario === 'throughput' || scenario === 'storm' || scenario === 'client' || scenario === 'dm' || scenario === 'search') && options.senders < 1) throw new UsageError('--senders must be >= 1');
  if (options.changes > 0 && scenario !== 'fanout' && scenario !== 'salons') throw new UsageError('--changes applies to the fanout and salons scenarios only');
  if (options.changes > 0 && options.nodes > 1) throw new UsageError('--changes does not combine with --nodes');
  if (values.searchers !== undefined && scenario !== 'search') throw new UsageError('--searchers applies to the search scenario only');
  if (scenario === 'search' && options.searchers + options.senders > options.clients) throw new UsageError(`search: --searchers (${options.searchers}) and --senders (${options.senders}) must be different clients, within --clients (${options.clients})`);
  if (scenario === 'search' && options.messages < 1) throw new UsageError('--messages must be >= 1 for search');
  if (options.watchers > options.clients) throw new UsageError(`--watchers (${options.watchers}) cannot exceed --clients (${options.clients})`);
  if (options.senders > options.clients) throw new UsageError(`--senders (${options.senders}) cannot exceed --clients (${options.clients})`);
  if (scenario === 'dm' && (options.clients < 2 || options.clients % 2 !== 0)) throw new UsageError(`dm: --clients must be an even number >= 2 (pairs), not ${options.clients}`);
  if ((scenario === 'fanout' || scenario === 'salons' || scenario === 'client' || scenario === 'dm' || scenario === 'search') && (options.rate <= 0 || options.duration <= 0)) {
    throw new UsageError('--rate and --duration must be > 0');
  }
  if (scenario === 'throughput' && options.duration <= 0) throw new UsageError('--duration must be > 0');
  if (values.window !== undefined && !(scenario === 'throughput' && options.rate === 0)) {
    throw new UsageError('--window applies to the throughput scenario in closed loop (--rate 0) only');
  }
  if (scenario === 'history' && options.messages < 1) throw new UsageError('--messages must be >= 1 for history');
  return options;
}
