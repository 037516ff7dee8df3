/**
 * Accounts made by directory sign-in (see sql/sqlite/008_directory.sql, sql/mysql/009_directory.sql):
 * keyed on the directory's stable id, with no local password, and disabled (never deleted)
 * when the directory sync finds the person gone or disabled.
 */
import type {Kysely} from 'kysely';
import type {Role} from '../protocol/frames.js';
import type {Database} from './schema.js';
import type {Flavor} from './sql-store.js';

/** No password hashes to this (the scrypt format starts with its parameters); nor is it ever checked. */
export const DIRECTORY_PASSWORD = '!directory';

/** Sets what the directory says of the account; disabling deletes its sessions in the same transaction. */
export async function updateDirectoryUser(
  db: Kysely<Database>,
  flavor: Flavor,
  clientId: number,
  change: {alias: string; role: Role; disabled: boolean},
  ts: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('clients').select('disabled_at').where('client_id', '=', clientId).executeTakeFirst();
    if (!row) return;
    // An account disabled earlier keeps the time it was first disabled.
    const disabledAt = change.disabled ? (row.disabled_at ?? flavor.time(ts)) : null;
    await trx.updateTable('clients').set({alias: change.alias, role: change.role, disabled_at: disabledAt}).where('client_id', '=', clientId).execute();
    if (change.disabled) await trx.deleteFrom('sessions').where('client_id', '=', clientId).execute();
  });
}
