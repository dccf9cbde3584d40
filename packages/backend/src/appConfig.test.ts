import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigSources } from '@backstage/config-loader';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** The app's config as the backend loads it from these files, in this order. */
async function load(...files: string[]) {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({
      argv: files.flatMap(file => ['--config', path.join(ROOT, file)]),
      rootDir: ROOT,
      substitutionFunc: async name => `value-of-${name}`,
    }),
  );
  config.close();
  return config;
}

describe("the app's config layers", () => {
  it('production never configures the demo sign-in, and listens on every interface', async () => {
    const config = await load('app-config.yaml', 'app-config.production.yaml');
    expect(config.has('auth.providers.demo')).toBe(false);
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '',
      port: 7007,
    });
  });

  it('the demo (scripts/start.sh) adds the demo sign-in and binds the backend to loopback', async () => {
    const config = await load('app-config.yaml', 'app-config.demo.yaml');
    expect(config.has('auth.providers.demo')).toBe(true);
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '127.0.0.1',
      port: 7007,
    });
  });

  it('without the demo file there is no demo sign-in, and still only loopback', async () => {
    const config = await load('app-config.yaml');
    expect(config.has('auth.providers.demo')).toBe(false);
    expect(readHttpServerOptions(config.getConfig('backend')).listen.host).toBe(
      '127.0.0.1',
    );
  });
});
