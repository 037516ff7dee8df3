/** Registers a test once per backend, with a fresh database that is dropped afterwards. */
import test, {type ExecutionContext} from 'ava';
import {type Backend, type Database, available, backends} from './backends.js';

const notified = new Set<string>();

export function eachBackend(title: string, body: (t: ExecutionContext, db: Database, backend: Backend) => Promise<void>): void {
  for (const backend of backends) {
    test(`${backend.name} | ${title}`, async (t) => {
      const {run, reason} = await available(backend);
      if (!run) {
        if (!notified.has(backend.name)) {
          notified.add(backend.name);
          console.log(`NOTICE: skipping ${backend.name} tests: ${reason}`);
        }
        t.pass();
        return;
      }
      const db = await backend.create();
      try {
        await body(t, db, backend);
      } finally {
        await db.drop();
      }
    });
  }
}
