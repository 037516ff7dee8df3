/**
 * chat: the terminal client. Flags and environment, then the Ink app on the terminal's
 * alternate screen (as full-screen terminal programs do), restored on exit.
 */
import {readFileSync, writeSync} from 'node:fs';
import {render} from 'ink';
import meow from 'meow';
import {Controller} from '../client/controller.js';
import {NOTIFY_CHOICES, Notifier, parseNotifyChoice, planNotifications} from '../client/notify.js';
import {CommandRunner} from '../client/on-mention.js';
import {setTerminalProfile} from '../client/width.js';
import {clientTranslator} from '../i18n/client.js';
import {detectLang} from '../i18n/index.js';
import {App} from '../ui/App.js';
import {colorEnabled} from '../ui/theme.js';
import {envPort, flagList, peekFlag, unknownFlags} from './env.js';
import {probeTerminal} from './probe.js';
import {login, send} from './send.js';

const ALT_SCREEN_ON = '\u001b[?1049h\u001b[H';
const ALT_SCREEN_OFF = '\u001b[?1049l';
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';

export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  const lang = detectLang(peekFlag(argv, 'lang') ?? env.CHAT_LANG, env);
  const flags = {
    host: {type: 'string', default: env.CHAT_HOST || 'localhost'},
    port: {type: 'number', default: envPort(env.CHAT_PORT, 5000)},
    user: {type: 'string', default: env.CHAT_USER || ''},
    lang: {type: 'string', default: lang},
    tls: {type: 'boolean', default: ['1', 'true', 'yes'].includes((env.CHAT_TLS ?? '').toLowerCase())},
    ca: {type: 'string', default: env.CHAT_CA || ''},
    notify: {type: 'string', default: env.CHAT_NOTIFY || ''},
    onMention: {type: 'string', default: env.CHAT_ON_MENTION || ''},
    salon: {type: 'string', default: ''},
  } as const;
  const unknown = unknownFlags(argv, flags);
  if (unknown.length > 0) {
    console.error(clientTranslator(lang)('cli.unknownFlag', {flags: unknown.join(', '), valid: flagList(flags)}));
    return 2;
  }
  const cli = meow(clientTranslator(lang)('cli.chatHelp'), {importMeta: import.meta, argv, flags});
  // meow answers --help and --version only when alone: `--help --lang fr` must answer too.
  if (argv.includes('--help')) cli.showHelp(0);
  if (argv.includes('--version')) cli.showVersion();
  const notifyChoice = parseNotifyChoice(cli.flags.notify);
  if (notifyChoice === null) {
    console.error(clientTranslator(lang)('cli.badNotify', {value: cli.flags.notify, valid: NOTIFY_CHOICES.join(', ')}));
    return 2;
  }
  let tls: {ca?: Buffer} | undefined;
  if (cli.flags.tls || cli.flags.ca) {
    try {
      tls = cli.flags.ca ? {ca: readFileSync(cli.flags.ca)} : {};
    } catch (error) {
      console.error(clientTranslator(lang)('error.caFile', {message: error instanceof Error ? error.message : String(error)}));
      return 1;
    }
  }
  // The commands for scripts: no screen, an exit code.
  const [subcommand, ...words] = cli.input;
  if (subcommand === 'login' || subcommand === 'send') {
    const options = {host: cli.flags.host, port: cli.flags.port, tls, lang, env, stdin: process.stdin, print: (l: string) => console.log(l), error: (l: string) => console.error(l)};
    return subcommand === 'login' ? login(options, cli.flags.user) : send(options, cli.flags.salon, words);
  }
  if (subcommand !== undefined) {
    console.error(clientTranslator(lang)('cli.unknownCommand', {command: subcommand}));
    return 2;
  }
  const {stdout} = process;
  const fullScreen = Boolean(stdout.isTTY);
  let exit: () => void = () => {};
  const exited = new Promise<void>((resolve) => (exit = resolve));
  let notifier: Notifier | null = null;
  const controller = new Controller({
    host: cli.flags.host,
    port: cli.flags.port,
    tls,
    lang,
    username: cli.flags.user,
    columns: stdout.columns || 80,
    rows: stdout.rows || 24,
    onExit: () => exit(),
    onAlert: (alert) => notifier?.alert(alert),
  });
  const command = cli.flags.onMention.trim() ? new CommandRunner({command: cli.flags.onMention, env, report: (notice) => controller.dispatch({type: 'flash', notice})}) : undefined;
  // Written past Ink: a sequence that draws nothing does not disturb what Ink drew.
  notifier = new Notifier({plan: planNotifications(notifyChoice, env), write: (bytes) => void stdout.write(bytes), command});
  // The terminal is put back as it was however the process ends, a crash included.
  let restored = !fullScreen;
  const restore = () => {
    if (restored) return;
    restored = true;
    writeSync(stdout.fd, PASTE_OFF + ALT_SCREEN_OFF);
  };
  if (fullScreen) {
    stdout.write(ALT_SCREEN_ON);
    process.once('exit', restore);
    // Before anything is drawn: every text the client shows is written for this terminal.
    setTerminalProfile(await probeTerminal({stdin: process.stdin, stdout}));
    // Pastes come bracketed, so that their line breaks are text, not Enter (client/keys.ts).
    stdout.write(PASTE_ON);
  }
  const instance = render(<App controller={controller} color={colorEnabled(env)} bell={false} />, {exitOnCtrlC: false});
  controller.start();
  const quit = () => void controller.quit();
  process.once('SIGTERM', quit);
  process.once('SIGHUP', quit);
  await exited;
  instance.unmount();
  restore();
  return 0;
}
