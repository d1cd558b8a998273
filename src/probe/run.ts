import { isIP } from 'node:net';
import { getCACertificates } from 'node:tls';
import pLimit from 'p-limit';
import type { Inventory, Observation } from '../model/index.js';
import { buildAllowList } from './allow-list.js';
import { ProbeError } from './connection.js';
import { probeKeepAlive } from './keepalive-probe.js';
import { resolveProbeOptions, type ProbeOptions } from './options.js';
import { planProbes, type ProbeTask } from './plan.js';
import { probeTls } from './tls-probe.js';

function failed(task: ProbeTask, error: { code: string; message: string }): Observation {
  return { kind: task.kind, poolId: task.poolId, targetKey: task.targetKey, address: task.address, port: task.port, at: new Date().toISOString(), error };
}

/**
 * Probes the targets the inventory names: a TLS handshake on TLS pools, a keep-alive request (and, with
 * `idle`, an idle hold) on HTTP/1.x pools. Observations come back in inventory order.
 *
 * Network failures, disallowed addresses and deadlines become observations with an `error`; this never
 * rejects for them. It throws {@link ConfigError} for bad options (a malformed `--probe-cidr`) before any connect.
 *
 * @example
 * const observations = await runProbes(inv, { idle: true, allowCidrs: ['10.0.0.0/16'] });
 * const measured = applyObservations(inv, observations);
 */
export async function runProbes(inv: Inventory, options: ProbeOptions): Promise<Observation[]> {
  const opts = resolveProbeOptions(options);
  const allowList = buildAllowList(inv, opts.allowCidrs);
  const tasks = planProbes(inv, opts);
  // Passing `ca` replaces Node's store, so extra roots are added to it rather than used alone.
  const ca = opts.extraCaPem.length > 0 ? [...getCACertificates('default'), ...opts.extraCaPem] : undefined;

  const run = new AbortController();
  const deadline = setTimeout(
    () => run.abort(new ProbeError('deadline', `the overall probe deadline of ${(opts.overallDeadlineMs / 1000).toFixed(1)} s was reached`)),
    opts.overallDeadlineMs,
  );
  const onCancel = (): void => run.abort(new ProbeError('aborted', 'the probe run was cancelled'));
  if (opts.signal?.aborted) onCancel();
  else opts.signal?.addEventListener('abort', onCancel, { once: true });

  const limit = pLimit(opts.concurrency);
  let done = 0;
  const one = async (task: ProbeTask): Promise<Observation> => {
    let obs: Observation;
    if (run.signal.aborted) {
      const reason = run.signal.reason instanceof ProbeError ? run.signal.reason : new ProbeError('aborted', 'the probe run was cancelled');
      obs = failed(task, { code: reason.code, message: `${reason.message} before this target was probed` });
    } else if (isIP(task.address) === 0) {
      obs = failed(task, { code: 'unsupported-address', message: `${task.address} is not an IP address; the probe never resolves names` });
    } else if (!allowList.allows(task.address)) {
      obs = failed(task, { code: 'not-allowed', message: `${task.address} is outside the probe allow-list (${allowList.description}); widen it with --probe-cidr` });
    } else if (task.kind === 'tls') {
      obs = await probeTls(task, { allowList, signal: run.signal, perProbeTimeoutMs: opts.perProbeTimeoutMs, maxBytes: opts.maxBytes, ca });
    } else {
      obs = await probeKeepAlive(task, { allowList, signal: run.signal, perProbeTimeoutMs: opts.perProbeTimeoutMs, maxBytes: opts.maxBytes, userAgent: opts.userAgent });
    }
    done += 1;
    try {
      opts.progress?.({ done, total: tasks.length, observation: obs });
    } catch {
      // A failing progress reporter must not stop or lose measurements.
    }
    return obs;
  };

  try {
    return await Promise.all(tasks.map((t) => limit(() => one(t))));
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onCancel);
  }
}
