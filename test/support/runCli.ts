import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** The environment that makes `lark-dl` sign in as the loopback server's bot. */
export function botEnv(server: { appId: string; appSecret: string; baseUrl: string }): Record<string, string> {
	return { LARK_APP_ID: server.appId, LARK_APP_SECRET: server.appSecret, LARK_BASE_URL: server.baseUrl };
}

export interface CliResult {
	status: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** Starts the built CLI (dist/cli.js) as a user would, with only the given LARK_* variables. */
export function startCli(args: string[], options: { cwd: string; env: Record<string, string> }): { child: ChildProcess; done: Promise<CliResult> } {
	const child = spawn(process.execPath, [CLI, ...args], {
		cwd: options.cwd,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<CliResult>((resolve) => {
		child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
	});
	return { child, done };
}

export function runCli(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
	return startCli(args, options).done;
}
