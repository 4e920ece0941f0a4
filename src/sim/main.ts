// `npm run sim`: run the EM simulator standalone, knobs from the environment, until SIGINT/SIGTERM.

import { SIM_DEFAULT_CREDENTIALS } from './seed-ids.js';
import { simOptionsFromEnv } from './sim-options-from-env.js';
import { startEmSimulator } from './simulator.js';

async function main(): Promise<void> {
  const sim = await startEmSimulator(simOptionsFromEnv());
  const { username, password } = SIM_DEFAULT_CREDENTIALS;
  process.stdout.write(
    [
      `EM simulator listening on ${sim.url}`,
      'Point the bot at it with:',
      `  VEEAM_EM_URL=${sim.url} VEEAM_EM_USERNAME=${username} VEEAM_EM_PASSWORD=${password}`,
      ...(sim.url.startsWith('https') ? ['  plus VEEAM_EM_CA_FILE=<the CA that signed SIM_TLS_CERT>'] : []),
      `Jobs: ${sim
        .listJobs()
        .map((j) => j.name)
        .join(', ')}`,
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the EM simulator\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
