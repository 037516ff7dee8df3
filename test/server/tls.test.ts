/** TLS with a certificate the test makes: the real binary serves it, clients verify it. */
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type ConnectionOptions, connect as tlsConnect} from 'node:tls';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {ClientConnection} from '../../source/client/connection.js';
import {Controller} from '../../source/client/controller.js';
import {backends} from '../helpers/backends.js';
import {PASSWORD, eventually} from '../helpers/server.js';

const BIN = fileURLToPath(new URL('../../../bin/chat-server.js', import.meta.url));

function makeCertificate(dir: string): {cert: string; key: string} {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], {stdio: 'ignore'});
  return {cert, key};
}

test('chat-server --tls-cert/--tls-key serves TLS; clients that trust the CA sign in, others are refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-tls-'));
  const db = await backends[0]!.create();
  const {cert, key} = makeCertificate(dir);
  const child = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', db.dataDir, '--no-console', '--tls-cert', cert, '--tls-key', key], {
    env: {PATH: process.env.PATH ?? '', HOME: dir, CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: PASSWORD},
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const port = Number(await eventually(async () => /127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000));
    const ca = readFileSync(cert);

    const secure = await ClientConnection.open({host: '127.0.0.1', port, tls: {ca}});
    await secure.request('register', {username: 'alice', alias: 'Alice', password: PASSWORD});
    t.is((await secure.request('login', {username: 'alice', password: PASSWORD})).user.username, 'alice');
    await secure.close();

    const untrusted = await ClientConnection.open({host: '127.0.0.1', port, tls: {}}).then(() => 'connected', (e: NodeJS.ErrnoException) => e.code);
    t.is(untrusted, 'DEPTH_ZERO_SELF_SIGNED_CERT', 'a certificate nobody vouched for is refused');
    const plain = await ClientConnection.open({host: '127.0.0.1', port}).then(() => 'connected', (e: NodeJS.ErrnoException) => e.code ?? e.name);
    t.not(plain, 'connected', 'plain TCP gets no chat service');

    // The terminal client's own code path, with --ca.
    const controller = new Controller({host: '127.0.0.1', port, lang: 'en', tls: {ca}, backoff: {initial: 30, max: 100}});
    controller.start();
    await eventually(async () => controller.getState().screen === 'login');
    t.is(controller.getState().link, 'online');
    await controller.quit();
    t.true(child.exitCode === null, 'the server survived the bad handshakes');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, {recursive: true, force: true});
    await db.drop();
  }
});

/*
 * SECURITY.md: the client checks the certificate's host name, and the server speaks TLS 1.2
 * or newer. The server here has a certificate for chat.example, trusted by the client.
 */
test('a trusted certificate for another host name is refused by the client; a client offering only TLS 1.1 is refused by the server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-tls-'));
  const db = await backends[0]!.create();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=chat.example', '-addext', 'subjectAltName=DNS:chat.example',
  ], {stdio: 'ignore'});
  const child = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', db.dataDir, '--no-console', '--tls-cert', cert, '--tls-key', key], {
    env: {PATH: process.env.PATH ?? '', HOME: dir, CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: PASSWORD},
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const port = Number(await eventually(async () => /127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000));
    const ca = readFileSync(cert);
    // The client's own code path, to 127.0.0.1: the certificate names chat.example only.
    const wrongName = await ClientConnection.open({host: '127.0.0.1', port, tls: {ca}}).then(() => 'connected', (e: NodeJS.ErrnoException) => e.code);
    t.is(wrongName, 'ERR_TLS_CERT_ALTNAME_INVALID', 'a certificate for another host name is refused, trusted CA or not');
    // The same certificate, checked against the name it carries, is fine: the name was the problem.
    const handshake = (options: ConnectionOptions) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect({host: '127.0.0.1', port, ca, servername: 'chat.example', ...options});
        socket.once('secureConnect', () => {
          resolve(String(socket.getProtocol()));
          socket.destroy();
        });
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(`refused: ${e.code ?? e.message}`));
      });
    t.is(await handshake({minVersion: 'TLSv1.2'}), 'TLSv1.3');
    t.is(await handshake({minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2'}), 'TLSv1.2');
    // A client that would accept TLS 1.1 (its own security level lowered so that it offers
    // it) is refused by the server.
    const old = await handshake({minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0'});
    t.regex(old, /^refused: /, `TLS 1.1: ${old}`);
    t.true(child.exitCode === null, 'the server survived the refused handshakes');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, {recursive: true, force: true});
    await db.drop();
  }
});
