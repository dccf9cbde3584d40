import {
  CROSSMESH_BLOCK_MARKER,
  ensureGlobalServerBlock,
  findGlobalServerBlocks,
  removeGlobalServerBlock,
} from './corefile';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';

const IP = '10.96.12.34';
const NEW_IP = '10.96.99.7';

const corefiles = loadFixtures().filter(f => f.data?.Corefile !== undefined);

function lines(text: string): string[] {
  return text.split('\n');
}

describe('ensureGlobalServerBlock over distribution Corefiles', () => {
  it('has the Corefiles it should', () => {
    expect(corefiles.map(f => f.file)).toEqual([
      'aks-coredns.yaml',
      'eks.yaml',
      'k3s-coredns-1.8.3.yaml',
      'k3s.yaml',
      'kind.yaml',
      'kubeadm.yaml',
      'minikube.yaml',
    ]);
  });

  describe.each(corefiles.map(f => [f.file, f.data!.Corefile] as const))(
    '%s',
    (_file, original) => {
      it('adds only the crossmesh block, keeping every original byte', () => {
        const result = ensureGlobalServerBlock(original, IP);
        expect(result).toMatchObject({ changed: true, action: 'added' });
        expect(result.corefile.startsWith(original)).toBe(true);
        expect(result.corefile.slice(original.length)).toBe(
          `\n${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    errors\n    cache 30\n    forward . ${IP}:53\n}\n`,
        );
        expect(findGlobalServerBlocks(result.corefile)).toEqual([
          {
            managed: true,
            line: lines(original).length + 2,
            keys: ['global:53'],
            forwardTo: [`${IP}:53`],
          },
        ]);
      });

      it('is idempotent', () => {
        const once = ensureGlobalServerBlock(original, IP).corefile;
        expect(ensureGlobalServerBlock(once, IP)).toEqual({
          corefile: once,
          changed: false,
          action: 'unchanged',
        });
      });

      it('remove gives back the original exactly, and is idempotent', () => {
        const added = ensureGlobalServerBlock(original, IP).corefile;
        expect(removeGlobalServerBlock(added)).toEqual({
          corefile: original,
          changed: true,
        });
        expect(removeGlobalServerBlock(original)).toEqual({
          corefile: original,
          changed: false,
        });
      });

      it('a new address replaces only the forward line', () => {
        const added = ensureGlobalServerBlock(original, IP).corefile;
        const updated = ensureGlobalServerBlock(added, NEW_IP);
        expect(updated).toMatchObject({ changed: true, action: 'updated' });
        const before = lines(added);
        const after = lines(updated.corefile);
        expect(after).toHaveLength(before.length);
        const differing = before
          .map((l, i) => [l, after[i]])
          .filter(([a, b]) => a !== b);
        expect(differing).toEqual([
          [`    forward . ${IP}:53`, `    forward . ${NEW_IP}:53`],
        ]);
      });

      it('keeps Windows line endings', () => {
        const crlf = original.replace(/\n/g, '\r\n');
        const added = ensureGlobalServerBlock(crlf, IP).corefile;
        expect(added.startsWith(crlf)).toBe(true);
        expect(added.replace(/\r\n/g, '')).not.toContain('\n');
        expect(removeGlobalServerBlock(added).corefile).toBe(crlf);
      });

      it('keeps a missing trailing newline missing', () => {
        const bare = original.replace(/\n$/, '');
        const added = ensureGlobalServerBlock(bare, IP).corefile;
        expect(added.startsWith(bare)).toBe(true);
        expect(added.endsWith('}')).toBe(true);
        expect(ensureGlobalServerBlock(added, IP).changed).toBe(false);
        expect(removeGlobalServerBlock(added).corefile).toBe(bare);
      });
    },
  );
});

describe('ensureGlobalServerBlock edge cases', () => {
  const base = corefiles.find(f => f.file === 'kubeadm.yaml')!.data!.Corefile;

  it('adds to an empty Corefile and removes back to empty', () => {
    const added = ensureGlobalServerBlock('', IP).corefile;
    expect(added).toBe(
      `${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    errors\n    cache 30\n    forward . ${IP}:53\n}\n`,
    );
    expect(removeGlobalServerBlock(added).corefile).toBe('');
  });

  it('writes IPv6 upstreams in brackets and canonical form', () => {
    const added = ensureGlobalServerBlock(base, 'FD00:0:0::0A').corefile;
    expect(added).toContain('    forward . [fd00::a]:53\n');
    expect(ensureGlobalServerBlock(added, 'fd00::a').changed).toBe(false);
  });

  it('keeps other blocks, comments and quoted strings untouched', () => {
    const corefile = [
      '# site DNS, edited by hand',
      'consul.local:53 {',
      '    errors',
      '    forward . 10.150.0.1 # "the } in this comment is no brace"',
      '}',
      '(snip) {',
      '    log "quoted { brace"',
      '}',
      base,
    ].join('\n');
    const added = ensureGlobalServerBlock(corefile, IP).corefile;
    expect(added.startsWith(corefile)).toBe(true);
    expect(removeGlobalServerBlock(added).corefile).toBe(corefile);
  });

  it('ignores zones that are not exactly global', () => {
    const corefile = `${base}foo.global:53 {\n    forward . 10.1.1.1\n}\nglobal:5353 {\n    forward . 10.1.1.2\n}\n`;
    expect(ensureGlobalServerBlock(corefile, IP).action).toBe('added');
  });

  it('collapses duplicate crossmesh blocks into one', () => {
    const once = ensureGlobalServerBlock(base, IP).corefile;
    const twice = `${once}\n${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    forward . 10.1.1.1:53\n}\n`;
    const result = ensureGlobalServerBlock(twice, IP);
    expect(result).toMatchObject({ changed: true, action: 'updated' });
    expect(result.corefile).toBe(once);
  });
});

describe('hand-written global blocks', () => {
  const base = corefiles.find(f => f.file === 'eks.yaml')!.data!.Corefile;
  const handWritten = (key: string, target: string) =>
    `${base}${key} {\n    errors\n    cache 30\n    forward . ${target}\n}\n`;

  it.each([
    ['global:53', IP],
    ['global', `${IP}:53`],
    ['.global:53', `dns://${IP}`],
    ['global.:53', `${IP}:53`],
  ])('adopts %s forwarding to %s and never removes it', (key, target) => {
    const corefile = handWritten(key, target);
    expect(ensureGlobalServerBlock(corefile, IP)).toEqual({
      corefile,
      changed: false,
      action: 'adopted',
    });
    expect(removeGlobalServerBlock(corefile)).toEqual({
      corefile,
      changed: false,
    });
    expect(findGlobalServerBlocks(corefile)[0].managed).toBe(false);
  });

  it('drops a crossmesh block that sits next to an adopted one', () => {
    const corefile = handWritten('global:53', IP);
    const both = `${corefile}\n${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    forward . ${IP}:53\n}\n`;
    expect(ensureGlobalServerBlock(both, IP)).toEqual({
      corefile,
      changed: true,
      action: 'adopted',
    });
  });

  it('refuses to clobber one that forwards elsewhere, saying how to fix it', () => {
    const corefile = handWritten('global:53', '10.0.0.99');
    expect(() => ensureGlobalServerBlock(corefile, IP)).toThrow(
      expect.objectContaining({
        name: 'ConflictError',
        message: expect.stringMatching(
          /global:53 at line 18 that crossmesh did not write; it forwards to 10\.0\.0\.99, not to istiocoredns at 10\.96\.12\.34:53\. Either change its forward line to "forward \. 10\.96\.12\.34:53", or delete the block/,
        ),
      }),
    );
  });

  it('refuses one with several upstreams or none', () => {
    expect(() =>
      ensureGlobalServerBlock(handWritten('global:53', `${IP} 10.0.0.2`), IP),
    ).toThrow(/forwards to 10\.96\.12\.34 10\.0\.0\.2/);
    expect(() =>
      ensureGlobalServerBlock(`${base}global:53 {\n    whoami\n}\n`, IP),
    ).toThrow(/has no forward directive/);
  });
});

describe('a hand-written global block in the old proxy form', () => {
  const base = corefiles.find(f => f.file === 'eks.yaml')!.data!.Corefile;

  it.each([IP, '10.0.0.99'])(
    'names the proxy line and says CoreDNS no longer has that plugin (proxy to %s)',
    target => {
      const corefile = `${base}global:53 {\n    errors\n    cache 30\n    proxy . ${target}\n}\n`;
      const line = lines(base).length + 3;
      expect(() => ensureGlobalServerBlock(corefile, IP)).toThrow(
        expect.objectContaining({
          name: 'ConflictError',
          message: `Corefile already has a server block for global:53 at line ${
            line - 3
          } that crossmesh did not write; its line ${line} is "proxy . ${target}", and the proxy plugin was removed in CoreDNS 1.5.0, so current CoreDNS refuses the whole Corefile. Replace that line with "forward . ${IP}:53" (istiocoredns), or delete the block and let crossmesh add its own (marked "# managed by crossmesh: .global forwarding").`,
        }),
      );
    },
  );
});

describe('malformed Corefiles', () => {
  it.each([
    [
      '.:53 {\n    errors\n    health {\n        lameduck 5s\n}\n',
      1,
      /'\{' is never closed/,
    ],
    ['.:53 {\n    errors\n}\n}\n', 4, /unexpected '\}' with no open block/],
    ['.:53 {\n}\n{\n    errors\n}\n', 3, /'\{' without a server address/],
    [
      '.:53\nerrors\nforward . 1.1.1.1\n',
      1,
      /expected '\{' after server address/,
    ],
    ['.:53 {\n    log "open\n}\n', 2, /quoted string is never closed/],
  ])('reports %j at line %d', (corefile, line, message) => {
    for (const run of [
      () => ensureGlobalServerBlock(corefile, IP),
      () => removeGlobalServerBlock(corefile),
    ]) {
      expect(run).toThrow(message);
      expect(run).toThrow(`Corefile line ${line}:`);
    }
  });
});

describe('forward address validation', () => {
  const base = corefiles[0].data!.Corefile;
  it.each([
    '10.0.0.1\n}\n. {',
    '1.2.3.4 }',
    '$(rm -rf /)',
    '10.0.0.1:53',
    '10.0.0.1;',
    'istiocoredns.istio-system.svc',
    '010.0.0.1',
    '256.1.1.1',
    'fe80::1%eth0',
    '[fd00::1]',
    '',
    ' 10.0.0.1',
  ])('refuses %j', address => {
    expect(() => ensureGlobalServerBlock(base, address)).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringContaining('is not an IPv4 or IPv6 address'),
      }),
    );
  });

  it('refuses non-strings', () => {
    expect(() =>
      ensureGlobalServerBlock(base, 167772161 as unknown as string),
    ).toThrow(/must be a string/);
  });
});
