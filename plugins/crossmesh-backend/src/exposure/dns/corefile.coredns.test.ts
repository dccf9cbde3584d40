import { ensureGlobalServerBlock, renderGlobalServerBlock } from './corefile';
import { corednsBinary, runCoredns } from './__testUtils__/coredns';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';

// Checks edited Corefiles with CoreDNS's own parser. The binary is built
// once from the Go module proxy (a few minutes) and cached.
jest.setTimeout(20 * 60_000);

const IP = '10.96.12.34';
const PARSE_FAILURE =
  /Error during parsing|Syntax error|already defined|Unknown directive/;
const corefiles = loadFixtures().filter(f => f.data?.Corefile !== undefined);
describe('edited Corefiles pass CoreDNS’s parser', () => {
  let coredns: string;

  beforeAll(async () => {
    coredns = await corednsBinary();
  });

  it.each(corefiles.map(f => [f.file, f.data!.Corefile] as const))(
    '%s plus the crossmesh block parses and reaches plugin setup',
    async (_file, original) => {
      const edited = ensureGlobalServerBlock(original, IP).corefile;
      const { output, exited } = await runCoredns(coredns, edited);
      // Parsing passed when CoreDNS gets as far as setting up the
      // kubernetes plugin, which stops it (before it listens) for want of a
      // cluster. Duplicate zones are only checked after plugin setup, so the
      // loopback tests below cover those.
      expect(output).not.toMatch(PARSE_FAILURE);
      expect(output).toMatch(/plugin\/kubernetes: unable to load in-cluster/);
      expect(exited).toBe(true);
    },
  );

  it('would notice a syntax error (the check is not vacuous)', async () => {
    const edited = ensureGlobalServerBlock(
      corefiles[0].data!.Corefile,
      IP,
    ).corefile;
    const { output } = await runCoredns(
      coredns,
      `${edited}extra.zone:53 {\n    errors\n`,
    );
    expect(output).toMatch(PARSE_FAILURE);
  });

  it('refuses a second global block, which is why crossmesh adopts instead', async () => {
    const block = renderGlobalServerBlock(IP);
    const { output } = await runCoredns(
      coredns,
      `${block}\nglobal {\n    forward . ${IP}\n}\n`,
    );
    expect(output).toMatch(
      /cannot serve dns:\/\/global\.:53 - it is already defined/,
    );
  });

  it('refuses the old proxy plugin, as crossmesh tells people', async () => {
    const { output } = await runCoredns(
      coredns,
      `global:53 {\n    proxy . ${IP}\n}\n`,
    );
    expect(output).toMatch(/Unknown directive 'proxy'/);
  });

  it.each([IP, 'fd00::a'])(
    'the block alone, forwarding to %s, starts serving on loopback',
    async ip => {
      // A random port can be taken by another test's server meanwhile: try a few.
      let port = 0;
      let run: Awaited<ReturnType<typeof runCoredns>> | undefined;
      for (let attempt = 0; attempt < 5; attempt++) {
        port = 20000 + Math.floor(Math.random() * 12000);
        const block = renderGlobalServerBlock(ip).replace(
          'global:53 {',
          `global:${port} {\n    bind 127.0.0.1`,
        );
        run = await runCoredns(coredns, `${block}\n`, {
          readyWhen: /CoreDNS-\d/,
        });
        if (!run.output.includes('address already in use')) break;
      }
      const { output, exited } = run!;
      expect(output).toContain(`global.:${port}`);
      expect(exited).toBe(false);
    },
  );
});
