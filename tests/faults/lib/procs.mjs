// procs.mjs: the processes of the stack under test, for the fault suite.  Finds the bgw-fcgi
// master and its workers, stops and starts PostgreSQL, clamd and the worker pool the way
// ./dev starts them (same users, options, log files and pid files), and reads what the
// sanitizers wrote to the pool's log.
//
// Everything is derived from the environment ./dev exports (BGW_STACK_DIR, BGW_CONFIG,
// BGW_BUILD_DIR, BGW_PG_HOST, BGW_CLAMD_SOCKET ...): the suite runs as root, like ./dev.
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';

const SERVICE_USER = 'bgw';
/** How long a service may take to come up again (./dev waits 60 s; ours are faster). */
export const SERVICE_WAIT_MS = 30000;

function need(name) {
	const v = process.env[name];
	if (!v) throw new Error(`${name} is not set: run the fault suite through ./dev test faults`);
	return v;
}

export const paths = {
	get stackDir() { return need('BGW_STACK_DIR'); },
	get pidDir() { return path.join(this.stackDir, 'pids'); },
	get logDir() { return process.env.BGW_LOG_DIR || path.join(this.stackDir, 'log'); },
	get config() { return need('BGW_CONFIG'); },
	get fcgiBin() { return path.join(need('BGW_BUILD_DIR'), 'cgi', 'bgw-fcgi'); },
	get fcgiPidFile() { return path.join(this.pidDir, 'bgw-fcgi.pid'); },
	get bgwLog() { return path.join(this.logDir, 'bgw.log'); },
	get pgData() { return path.join(this.stackDir, 'pg'); },
	get pgLog() { return path.join(this.logDir, 'postgresql.log'); },
	get clamdConf() { return path.join(this.stackDir, 'clamd.conf'); },
	get clamdPidFile() { return path.join(this.pidDir, 'clamd.pid'); },
	get clamdSocket() { return need('BGW_CLAMD_SOCKET'); },
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll fn every `interval` ms until it returns a truthy value (returned) or `timeout` ms
 * pass (resolves undefined). */
export async function waitUntil(fn, { timeout = 10000, interval = 20 } = {}) {
	const end = Date.now() + timeout;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() >= end) return undefined;
		await sleep(interval);
	}
}

/** A setting of the stack's bgw.conf ("key = value" lines). */
export function configValue(key) {
	for (const line of fs.readFileSync(paths.config, 'utf8').split('\n')) {
		const m = line.match(/^\s*([a-z_]+)\s*=\s*(.*?)\s*$/);
		if (m && m[1] === key) return m[2];
	}
	return undefined;
}

// --- /proc --------------------------------------------------------------------------------

/** {pid, ppid, state, ticks (utime + stime), exe} of a process, or null if it is gone. */
export function procStat(pid) {
	let raw;
	try {
		raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return null;
	}
	// The command name is in parentheses and may itself hold spaces or parentheses.
	const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
	let exe = '';
	try { exe = fs.readlinkSync(`/proc/${pid}/exe`); } catch { /* a zombie has none */ }
	return {
		pid, state: rest[0], ppid: Number(rest[1]),
		ticks: Number(rest[11]) + Number(rest[12]), exe,
	};
}

export function alive(pid) {
	const s = procStat(pid);
	return s !== null && s.state !== 'Z';
}

function allPids() {
	return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

function isFcgi(st) {
	return st !== null && st.state !== 'Z' && path.basename(st.exe.replace(/ \(deleted\)$/, '')) === 'bgw-fcgi';
}

/** The pid of the bgw-fcgi master of this stack: the pid file names what ./dev spawned
 * (setpriv, which execs env, which execs bgw-fcgi: normally the master itself); if that is
 * not bgw-fcgi, its bgw-fcgi descendant without a bgw-fcgi parent.  null if none runs. */
export function masterPid() {
	let pid;
	try {
		pid = Number(fs.readFileSync(paths.fcgiPidFile, 'utf8').trim());
	} catch {
		return null;
	}
	const st = procStat(pid);
	if (st === null || st.state === 'Z') return null;
	if (isFcgi(st)) return pid;
	// Walk down: the first bgw-fcgi below the spawned process.
	let frontier = [pid];
	const stats = allPids().map(procStat).filter(Boolean);
	for (let depth = 0; depth < 4 && frontier.length; depth++) {
		const kids = stats.filter((s) => frontier.includes(s.ppid));
		const hit = kids.find(isFcgi);
		if (hit) return hit.pid;
		frontier = kids.map((s) => s.pid);
	}
	return null;
}

/** The live worker pids (children of the master that are bgw-fcgi), sorted. */
export function workerPids(master = masterPid()) {
	if (master === null) return [];
	return allPids().map(procStat).filter((s) => s && s.ppid === master && isFcgi(s))
		.map((s) => s.pid).sort((a, b) => a - b);
}

/** The inodes of the connections the pool has accepted and not yet closed: server-side
 * sockets of the FastCGI socket's path in /proc/net/unix in state CONNECTED (03).  A worker
 * closes its connection when it finishes a request, so holding one means "in flight". */
export function acceptedConnections() {
	const sock = configValue('socket');
	const out = new Set();
	for (const line of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
		const f = line.trim().split(/\s+/);
		// Num RefCount Protocol Flags Type St Inode Path
		if (f.length >= 8 && f[7] === sock && f[5] === '03') out.add(f[6]);
	}
	return out;
}

/** How many accepted FastCGI connections the process holds (a worker: 0 or 1). */
export function inFlight(pid, accepted = acceptedConnections()) {
	let n = 0;
	let fds = [];
	try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { return 0; }
	for (const fd of fds) {
		let link = '';
		try { link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
		const m = link.match(/^socket:\[(\d+)\]$/);
		if (m && accepted.has(m[1])) n++;
	}
	return n;
}

/** Wait until one of pids is serving a request; resolves {pid, inFlight} or undefined. */
export function busyWorker(pids, { timeout = 3000 } = {}) {
	return waitUntil(() => {
		const accepted = acceptedConnections();
		for (const pid of pids) {
			const n = inFlight(pid, accepted);
			if (n > 0) return { pid, inFlight: n };
		}
		return null;
	}, { timeout, interval: 1 });
}

/** The pool size the master keeps: `workers` of bgw.conf (0 = the number of cores). */
export function poolSize() {
	const n = Number(configValue('workers') ?? 0);
	return n > 0 ? n : (spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() | 0) || 1;
}

// --- Logs ---------------------------------------------------------------------------------

/** The current size of a log file (an offset for logSince). */
export function logSize(file = paths.bgwLog) {
	try { return fs.statSync(file).size; } catch { return 0; }
}

/** What was appended to a log file since offset. */
export function logSince(offset, file = paths.bgwLog) {
	const buf = fs.readFileSync(file);
	return buf.subarray(Math.min(offset, buf.length)).toString('utf8');
}

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer/;

/** Sanitizer reports in the pool's log since offset ([] when clean). */
export function sanitizerReports(offset) {
	return logSince(offset).split('\n').filter((l) => SANITIZER.test(l));
}

// --- Running commands ---------------------------------------------------------------------

function run(cmd, args, { timeout = SERVICE_WAIT_MS * 2 } = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
	if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
	return r;
}

function userIds(user) {
	const uid = Number(run('id', ['-u', user]).stdout.trim());
	const gid = Number(run('id', ['-g', user]).stdout.trim());
	return { uid, gid };
}

/** Start cmd as the service user in its own session, detached, output appended to log, its
 * pid written to pidFile: ./dev's spawn().  Node's `detached` makes the child a session
 * leader itself, so setsid(1) is not used (it would fork, and the pid would be wrong). */
function spawnService(user, log, pidFile, cmd, args, env = {}) {
	const { gid } = userIds(user);
	const fd = fs.openSync(log, 'a');
	try {
		const child = spawn('setpriv', [`--reuid=${user}`, `--regid=${gid}`, '--init-groups',
			'--inh-caps=-all', '--', cmd, ...args],
		{ detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
		child.unref();
		fs.writeFileSync(pidFile, `${child.pid}\n`);
		return child.pid;
	} finally {
		fs.closeSync(fd);
	}
}

/** Send sig to pid and wait until it has exited (true) or timeout ms passed (false). */
export async function killAndWait(pid, sig = 'SIGTERM', timeout = 10000) {
	try { process.kill(pid, sig); } catch { return true; }
	return Boolean(await waitUntil(() => !alive(pid), { timeout }));
}

// --- The worker pool ----------------------------------------------------------------------

/** Start bgw-fcgi like ./dev's start_fcgi (after a test stopped it); resolves with the
 * master's pid once the socket exists and the pool is full. */
export async function startFcgi() {
	const socket = configValue('socket');
	fs.rmSync(socket, { force: true });
	spawnService(SERVICE_USER, paths.bgwLog, paths.fcgiPidFile, 'env',
		[`ASAN_OPTIONS=${process.env.ASAN_OPTIONS || 'detect_leaks=0:abort_on_error=0'}`,
			paths.fcgiBin, '--config', paths.config]);
	const size = poolSize();
	const ok = await waitUntil(() => fs.existsSync(socket) && workerPids().length === size,
		{ timeout: SERVICE_WAIT_MS });
	if (!ok) throw new Error('bgw-fcgi did not come up again');
	return masterPid();
}

/** Make sure the pool runs (a test that stopped it and failed half-way). */
export async function ensureFcgi() {
	if (masterPid() === null) await startFcgi();
}

// --- PostgreSQL ---------------------------------------------------------------------------

function pgCtl(...args) {
	const bin = process.env.BGW_PG_BIN ?? path.join(path.dirname(need('BGW_PSQL')), 'pg_ctl');
	return run('runuser', ['-u', 'postgres', '--', bin, '-D', paths.pgData, ...args]);
}

export function pgRunning() {
	return pgCtl('status').status === 0;
}

/** Stop the cluster (-m fast: open transactions are rolled back, sessions cut). */
export function pgStop() {
	const r = pgCtl('-m', 'fast', '-w', '-t', String(SERVICE_WAIT_MS / 1000), 'stop');
	if (r.status !== 0) throw new Error(`pg_ctl stop: ${r.stderr || r.stdout}`);
}

/** Start the cluster as ./dev's start_postgres does (same log file, waits until ready). */
export function pgStart() {
	const r = pgCtl('-l', paths.pgLog, '-w', '-t', String(SERVICE_WAIT_MS / 1000), 'start');
	if (r.status !== 0) throw new Error(`pg_ctl start: ${r.stderr || r.stdout}`);
}

export function ensurePg() {
	if (!pgRunning()) pgStart();
}

// --- clamd --------------------------------------------------------------------------------

/** One PING to clamd: true when it answers PONG. */
export function clamdPing() {
	return new Promise((resolve) => {
		const s = net.connect(paths.clamdSocket);
		let got = '';
		s.setTimeout(2000, () => { s.destroy(); resolve(false); });
		s.on('connect', () => s.write('zPING\0'));
		s.on('data', (c) => { got += c.toString(); });
		s.on('error', () => resolve(false));
		s.on('close', () => resolve(got === 'PONG\0'));
	});
}

export function clamdPid() {
	try {
		const pid = Number(fs.readFileSync(paths.clamdPidFile, 'utf8').trim());
		return alive(pid) ? pid : null;
	} catch {
		return null;
	}
}

export async function clamdStop() {
	const pid = clamdPid();
	if (pid === null) return;
	if (!await killAndWait(pid, 'SIGTERM')) await killAndWait(pid, 'SIGKILL');
}

/** Start clamd like ./dev's start_clamd (its rendered config, log, pid file); resolves once
 * it answers PING. */
export async function clamdStart() {
	spawnService(SERVICE_USER, path.join(paths.logDir, 'clamd.out'), paths.clamdPidFile,
		'clamd', [`--config-file=${paths.clamdConf}`]);
	if (!await waitUntil(clamdPing, { timeout: SERVICE_WAIT_MS, interval: 200 }))
		throw new Error('clamd did not come up again');
}

export async function ensureClamd() {
	if (clamdPid() === null || !await clamdPing()) {
		await clamdStop();
		await clamdStart();
	}
}

// --- The SMTP sink ------------------------------------------------------------------------

function smtpPidFile() { return path.join(paths.pidDir, 'smtp-sink.pid'); }

export function smtpPid() {
	try {
		const pid = Number(fs.readFileSync(smtpPidFile(), 'utf8').trim());
		return alive(pid) ? pid : null;
	} catch {
		return null;
	}
}

function tcpOpen(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.setTimeout(1000, () => { s.destroy(); resolve(false); });
		s.on('connect', () => { s.destroy(); resolve(true); });
		s.on('error', () => resolve(false));
	});
}

export async function smtpStop() {
	const pid = smtpPid();
	if (pid === null) return;
	if (!await killAndWait(pid, 'SIGTERM')) await killAndWait(pid, 'SIGKILL');
}

/** Start the SMTP sink like ./dev's start_smtp (aiosmtpd into the stack's Maildir). */
export async function smtpStart() {
	const port = Number(need('BGW_SMTP_PORT'));
	spawnService(SERVICE_USER, path.join(paths.logDir, 'smtp-sink.log'), smtpPidFile(),
		'/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c',
			'aiosmtpd.handlers.Mailbox', need('BGW_SMTP_MAILDIR')]);
	if (!await waitUntil(() => tcpOpen(port), { timeout: SERVICE_WAIT_MS, interval: 200 }))
		throw new Error('the SMTP sink did not come up again');
}

export async function ensureSmtp() {
	if (smtpPid() === null) await smtpStart();
}
