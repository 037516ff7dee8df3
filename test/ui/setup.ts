/**
 * Imported first by every UI test file, before anything formats a date: a fixed time zone
 * for time labels, and colours forced on. The ava worker's stdout is a pipe, so chalk (the
 * one Ink uses, already loaded by ava with level 0) would drop every colour, and the NO_COLOR
 * test would prove nothing.
 */
import chalk from 'chalk';

process.env.TZ = 'UTC';
delete process.env.NO_COLOR;
if (chalk.level === 0) chalk.level = 1;
