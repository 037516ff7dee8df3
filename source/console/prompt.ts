/**
 * The operator's terminal: questions (with hidden input for passwords), a command prompt,
 * and event lines printed above the prompt without disturbing what is being typed. Works
 * the same on a pipe, minus the echo tricks, so tests and scripts can drive it.
 */
import {type Interface, clearLine, createInterface, cursorTo} from 'node:readline';
import type {Readable, Writable} from 'node:stream';

export class OperatorTerminal {
  readonly interactive: boolean;
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;
  private muted = false;
  private prompting = false;

  constructor(input: Readable & {isTTY?: boolean}, private readonly output: Writable & {isTTY?: boolean}) {
    this.interactive = Boolean(input.isTTY && output.isTTY);
    this.rl = createInterface({input, output, terminal: this.interactive, historySize: this.interactive ? 100 : 0});
    // Hidden input: readline echoes through this method; while muted, only the prompt shows.
    const rlWithEcho = this.rl as unknown as {_writeToOutput(text: string): void};
    const echo = rlWithEcho._writeToOutput.bind(this.rl);
    rlWithEcho._writeToOutput = (text: string) => {
      if (!this.muted || text.startsWith(this.rl.getPrompt())) echo(this.muted ? this.rl.getPrompt() : text);
    };
    this.rl.on('line', (line) => {
      if (this.muted) this.output.write('\n');
      this.muted = false;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(line);
      } else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      this.waiter?.(undefined);
      this.waiter = undefined;
    });
  }

  onInterrupt(handler: () => void): void {
    this.rl.on('SIGINT', handler);
  }

  /** Asks one question; resolves undefined when the input has ended. */
  ask(question: string, options: {hidden?: boolean} = {}): Promise<string | undefined> {
    this.muted = Boolean(options.hidden && this.interactive);
    this.rl.setPrompt(question);
    if (this.interactive) {
      this.rl.prompt();
      return this.nextLine();
    }
    // On a pipe the question is printed once its answer is there: with nothing to read, it
    // would only stand in front of the error that says what to set instead.
    return this.nextLine().then((line) => {
      if (line !== undefined) this.output.write(question + '\n');
      return line;
    });
  }

  /** Reads commands until the input ends. */
  async *commands(prompt: string): AsyncGenerator<string> {
    this.rl.setPrompt(prompt);
    this.prompting = true;
    for (;;) {
      if (this.interactive) this.rl.prompt();
      const line = await this.nextLine();
      if (line === undefined) return;
      yield line;
    }
  }

  /** Prints a line above the prompt, keeping the operator's half-typed command. */
  print(line: string): void {
    if (this.interactive && this.prompting && !this.ended) {
      clearLine(this.output, 0);
      cursorTo(this.output, 0);
      this.output.write(line + '\n');
      this.rl.prompt(true);
    } else {
      this.output.write(line + '\n');
    }
  }

  close(): void {
    this.prompting = false;
    this.rl.close();
  }

  private nextLine(): Promise<string | undefined> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}
