/**
 * A chat server in a process of its own, for inputs that might bring a process down: if it
 * dies, the test that started it sees the exit instead of losing its own worker.
 * Prints {"port":N} on stdout once listening; stops when stdin closes.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startServer} from '../../source/server/server.js';
import {openStore} from '../../source/store/open.js';

const dataDir = mkdtempSync(join(tmpdir(), 'chat-fuzz-probe-'));
const store = await openStore({dataDir});
const server = await startServer({store, host: '127.0.0.1', port: 0});
process.stdout.write(`${JSON.stringify({port: server.port})}\n`);

const stop = async () => {
  await server.stop();
  await store.close();
  rmSync(dataDir, {recursive: true, force: true});
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('exit', () => rmSync(dataDir, {recursive: true, force: true}));
