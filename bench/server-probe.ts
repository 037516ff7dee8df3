/**
 * Loaded into chat-server by the bench (`node --expose-gc --import` this file) for the
 * scenarios that report memory after garbage collection: chat-server exposes no memory
 * figures of its own, and its RSS alone mixes live objects with garbage not yet collected
 * and with pages V8 keeps after a collection. On SIGUSR2 it collects garbage and writes
 * process.memoryUsage() to the file named by BENCH_MEMORY_FILE. Nothing else in the server
 * changes: it never calls gc() itself.
 */
import {renameSync, writeFileSync} from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
const gc = (globalThis as {gc?: () => void}).gc;
let probes = 0;

if (file && gc) {
  process.on('SIGUSR2', () => {
    // Twice: the first collection can leave objects that only a second one frees (weak
    // references, finalizers).
    gc();
    gc();
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({probe: ++probes, ...process.memoryUsage()}));
    // Renamed into place, so that the bench never reads half a file.
    renameSync(tmp, file);
  });
}
