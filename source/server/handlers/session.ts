/** hello, ping, register, login, resume, logout: getting a connection to a logged-in user. */
import {ChatError} from '../../protocol/errors.js';
import type {LoginResult, RequestParams} from '../../protocol/frames.js';
import {PROTOCOL_VERSION, limits} from '../../protocol/limits.js';
import {hashPassword, hashToken, newSessionToken, verifyPassword} from '../../store/password.js';
import {ConflictError, type UserRecord} from '../../store/types.js';
import {PACKAGE_NAME, VERSION} from '../../version.js';
import type {Context, UserContext} from '../context.js';
import {directoryLogin, isLocalAccount, refuseRegistration} from '../directory-login.js';
import {userInfo} from '../views.js';

// {"id":1,"type":"hello","version":1}
export function hello(ctx: Context, req: RequestParams<'hello'>) {
  if (req.version !== PROTOCOL_VERSION) {
    throw new ChatError('UNSUPPORTED_VERSION', `This server speaks protocol version ${PROTOCOL_VERSION}.`, {supported: [PROTOCOL_VERSION]});
  }
  if (ctx.conn.stage === 'hello') ctx.conn.stage = 'guest';
  return {version: PROTOCOL_VERSION, server: PACKAGE_NAME, serverVersion: VERSION, limits};
}

// {"id":2,"type":"ping"}
export function ping(ctx: Context) {
  return {time: ctx.services.clock()};
}

// {"id":3,"type":"register","username":"exemple","alias":"Exemple","password":"..."}
export async function register(ctx: Context, req: RequestParams<'register'>) {
  const {store, hub, clock, notify, registrations} = ctx.services;
  if (ctx.services.directory && !ctx.services.directory.allowRegister) throw new ChatError('REGISTRATION_CLOSED');
  // Cheap refusals first, then the attempt is counted before anything is awaited: attempts
  // sent at once are counted as surely as attempts sent one after another.
  if (hub.user(req.username)) throw new ChatError('USERNAME_TAKEN');
  if (hub.aliasTaken(req.alias)) throw new ChatError('ALIAS_TAKEN');
  registrations.take(ctx.conn.address, clock());
  if (await store.isBanned(req.username)) throw new ChatError('USERNAME_BANNED');
  await refuseRegistration(ctx, req.username);
  const passwordHash = await hashPassword(req.password);
  // Another registration may have taken the name or alias during the hash.
  if (hub.user(req.username)) throw new ChatError('USERNAME_TAKEN');
  if (hub.aliasTaken(req.alias)) throw new ChatError('ALIAS_TAKEN');
  let user: UserRecord;
  try {
    user = await store.createUser({username: req.username, alias: req.alias, passwordHash, role: 'user', ts: clock()});
  } catch (error) {
    if (error instanceof ConflictError) throw new ChatError(error.field === 'username' ? 'USERNAME_TAKEN' : 'ALIAS_TAKEN');
    throw error;
  }
  const {passwordHash: _, ...publicUser} = user;
  hub.publish({kind: 'user_added', user: publicUser});
  notify({kind: 'registered', username: user.username});
  return {user: {username: user.username, alias: user.alias}};
}

// {"id":4,"type":"login","username":"exemple","password":"..."}
export async function login(ctx: Context, req: RequestParams<'login'>): Promise<LoginResult> {
  const {store, clock, logins, policy} = ctx.services;
  // Refused at once, or admitted after its turn and its delay (guards.ts). A banned name is
  // refused when its turn comes, without a delay: that is not a wrong password.
  const attempt = await logins.begin(req.username, ctx.conn.address, clock, async () => {
    if (await store.isBanned(req.username)) throw new ChatError('BANNED');
  });
  try {
    // The hub knows every account by its exact name, ignoring case only; MySQL's collation
    // would also ignore accents and trailing spaces ("alïce " finding alice).
    const known = await ctx.services.hub.findUser(req.username);
    const local = known ? await store.findUser(known.username) : undefined;
    const directory = ctx.services.directory?.directory;
    let record: UserRecord;
    let check: Awaited<ReturnType<typeof verifyPassword>> = {ok: true, needsUpgrade: false};
    if (directory && !isLocalAccount(local)) {
      // Not a local account: the directory decides, behind the same guards (directory-login.ts).
      try {
        record = await directoryLogin(ctx, directory, req.username, req.password);
      } finally {
        attempt.hashed();
      }
    } else {
      // An unknown name costs the same hash as a known one, so timing does not tell them apart.
      try {
        check = await verifyPassword(req.password, local?.passwordHash ?? DUMMY_HASH);
      } finally {
        attempt.hashed();
      }
      // A bot signs in with its token only (resume), never with a password.
      if (!local || local.role === 'bot' || !check.ok) throw new ChatError('INVALID_CREDENTIALS');
      record = local;
    }
    attempt.succeeded(clock());
    refuseIfKicked(record, clock());
    // The original's unsalted SHA-256 is replaced the first time its owner proves the password.
    if (check.needsUpgrade) await store.setPasswordHash(record.id, await hashPassword(req.password));
    const token = newSessionToken();
    const now = clock();
    // The store refuses a session for an account kicked or deleted since it was read: a
    // KICK or BAN that lands during the hash wins over the login (and one that lands after
    // this deletes the session it made).
    if (!(await store.createSession(hashToken(token), record.id, now, now + ctx.services.sessionTtlMs, policy.maxSessionsPerAccount))) {
      const current = await store.findUserById(record.id);
      if (!current) throw new ChatError('BANNED');
      refuseIfKicked(current, clock());
      throw new ChatError('BANNED');
    }
    try {
      return await startSession(ctx, record, token);
    } catch (error) {
      await store.deleteSession(hashToken(token)).catch(() => {});
      throw error;
    }
  } finally {
    attempt.release();
  }
}

// {"id":5,"type":"resume","token":"..."}: logs in again after a reconnect without the
// password's slow hash; a bot account signs in this way with its token.
export async function resume(ctx: Context, req: RequestParams<'resume'>): Promise<LoginResult> {
  const {store, clock} = ctx.services;
  const tokenHash = hashToken(req.token);
  const clientId = (await store.findSession(tokenHash, clock())) ?? (await store.findBotByToken(tokenHash));
  const record = clientId === undefined ? undefined : await store.findUserById(clientId);
  if (!record) throw new ChatError('INVALID_TOKEN');
  refuseIfKicked(record, clock());
  return startSession(ctx, record, req.token);
}

// {"id":6,"type":"logout"}: ends the session and revokes its token.
export async function logout(ctx: UserContext) {
  const session = ctx.conn.session;
  if (session) await ctx.services.store.deleteSession(session.tokenHash);
  await endSession(ctx);
  return {};
}

// scrypt of a random password: verifying against it takes as long as against a real hash.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function refuseIfKicked(record: UserRecord, now: number): void {
  if (record.kickedUntil !== null && record.kickedUntil > now) {
    const retryAfter = Math.ceil((record.kickedUntil - now) / 1000);
    throw new ChatError('KICKED', `You were kicked; try again in ${Math.ceil(retryAfter / 60)} minute(s).`, {
      retryAfter,
      until: record.kickedUntil,
      ...(record.kickReason ? {reason: record.kickReason} : {}),
    });
  }
}

async function startSession(ctx: Context, record: UserRecord, token: string): Promise<LoginResult> {
  const {hub, notify, clock} = ctx.services;
  const user = await hub.findUser(record.username);
  // From here to attach nothing is awaited: a KICK or BAN this node has heard of is seen
  // here, and one it hears of later finds the connection attached and closes it.
  if (!user || user.id !== record.id) throw new ChatError('BANNED');
  if (record.disabled || user.disabled) throw new ChatError('ACCOUNT_DISABLED');
  if (user.kickedUntil !== null) refuseIfKicked({...record, kickedUntil: user.kickedUntil, kickReason: user.kickReason ?? null}, clock());
  // The peer may have gone while the password was checked: attaching it would leave a
  // connection that nobody reads shown online.
  if (ctx.conn.isClosed) throw new ChatError('NOT_AUTHENTICATED');
  ctx.conn.stage = 'user';
  ctx.conn.session = {user, tokenHash: hashToken(token)};
  hub.attach(ctx.conn, user);
  notify({kind: 'login', username: user.username, remote: ctx.conn.remote});
  return {user: userInfo(user), token, salons: hub.salonsFor(user)};
}

/** Detaches the connection from its user; the last connection marks the user disconnected. */
export async function endSession(ctx: Context): Promise<void> {
  const session = ctx.conn.session;
  if (!session) return;
  ctx.conn.session = null;
  ctx.conn.stage = 'guest';
  const {hub, notify} = ctx.services;
  hub.detach(ctx.conn, session.user);
  notify({kind: 'logout', username: session.user.username});
}
