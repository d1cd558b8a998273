/**
 * Starts moto (`python3 -m moto.server`) on a free port of 127.0.0.1 for the benchmark and stops it afterwards,
 * shared by the benchmark and the tests' global setup (test/support/global-setup.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface MotoServer {
  url: string;
  /**
   * CPU seconds moto has used so far (Linux /proc; undefined elsewhere). moto serves requests under one Python
   * interpreter lock, so the CPU it spends on a run is a lower bound of that run's wall time too.
   */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

function clockTicksPerSecond(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
}

function processCpuSeconds(pid: number | undefined, ticks: number): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may contain spaces): utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startMoto(python = process.env.PYTHON ?? 'python3', deadlineMs = 45_000): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/moto-api/data.json`)).ok) {
        const ticks = clockTicksPerSecond();
        return { url, stop, cpuSeconds: () => processCpuSeconds(child.pid, ticks) };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`moto did not answer on ${url} within ${deadlineMs} ms (install it with: pip install 'moto[server]'): ${stderr}`);
}
