import { ConfigError, loadConfig } from '@yiwang/platform';
import { buildRuntime } from './app.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Yiwang cannot start: ${e.message}. See .env.sample for every setting.`);
      process.exit(2);
    }
    throw e;
  }
  const started = Date.now();
  const rt = await buildRuntime({ config });
  await rt.app.listen({ port: config.port, host: config.host });
  console.log(
    `Yiwang (一网) ready at ${config.publicUrl} in ${Date.now() - started} ms — database: ${rt.handle.kind}${
      rt.handle.kind === 'pglite' ? ` (${config.dataDir}/pglite)` : ''
    }, events: ${config.natsUrl ? 'NATS JetStream' : 'in-process'}`,
  );
  const stop = async () => {
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error('Yiwang failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
