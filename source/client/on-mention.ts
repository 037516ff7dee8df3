/**
 * `--on-mention CMD`: a program run for each alert (notify.ts), with what it is about in its
 * environment, for desktops where the terminal cannot raise a notification (notify-send).
 *
 * No shell: the command is split on spaces, the first word is the program and the others its
 * arguments, with no quoting of any kind. A message's text never reaches a command line,
 * only the environment; anything more involved belongs in a script named here.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {type Alert, notificationText} from './notify.js';
import type {Notice} from './state.js';

/** A command that hangs (a notification daemon gone) is stopped after this. */
export const COMMAND_TIMEOUT_MS = 10_000;
/** What the environment carries of a text: enough for a notification, bounded. */
export const COMMAND_TEXT_MAX = 1000;

export function splitCommand(command: string): string[] {
  return command.split(' ').filter((word) => word !== '');
}

export interface CommandRunnerOptions {
  command: string;
  env?: NodeJS.ProcessEnv;
  /** Told once, at the first failure: the status line, not a flood of them. */
  report: (notice: Notice) => void;
  spawn?: typeof spawn;
}

/**
 * At most one process at a time, never waited on: alerts that come while it runs leave only
 * the newest to run after it (a burst runs the command twice, not once per message).
 */
export class CommandRunner {
  private readonly argv: string[];
  private running: ChildProcess | null = null;
  private queued: Alert | null = null;
  private reported = false;
  /** Runs started, for tests. */
  started = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly options: CommandRunnerOptions) {
    this.argv = splitCommand(options.command);
  }

  run(alert: Alert): void {
    if (this.argv.length === 0) return;
    if (this.running) {
      this.queued = alert;
      return;
    }
    this.start(alert);
  }

  /** Resolves once no command runs nor waits (tests, and nothing else). */
  settled(): Promise<void> {
    if (!this.running && !this.queued) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private start(alert: Alert): void {
    const [program, ...args] = this.argv as [string, ...string[]];
    const env = {
      ...(this.options.env ?? process.env),
      CHAT_KIND: alert.kind,
      CHAT_CONVERSATION: notificationText(alert.conversation, COMMAND_TEXT_MAX),
      CHAT_SENDER: notificationText(alert.sender, COMMAND_TEXT_MAX),
      CHAT_SENDER_USERNAME: notificationText(alert.username, COMMAND_TEXT_MAX),
      CHAT_TEXT: notificationText(alert.text, COMMAND_TEXT_MAX),
    };
    this.started++;
    let child: ChildProcess;
    try {
      // stdio ignored: whatever it prints would land in the middle of the screen Ink draws.
      child = (this.options.spawn ?? spawn)(program, args, {env, stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS, detached: false});
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return this.next();
    }
    this.running = child;
    let done = false;
    const finish = (reason: string | null) => {
      if (done) return;
      done = true;
      this.running = null;
      if (reason) this.fail(reason);
      this.next();
    };
    child.once('error', (error) => finish(error.message));
    child.once('exit', (code, signal) => finish(signal ? `signal ${signal}` : code ? `exit ${code}` : null));
  }

  private next(): void {
    const queued = this.queued;
    this.queued = null;
    if (queued) return this.start(queued);
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }

  private fail(reason: string): void {
    if (this.reported) return;
    this.reported = true;
    this.options.report({key: 'notify.commandFailed', params: {command: this.argv[0] ?? '', reason}});
  }
}
