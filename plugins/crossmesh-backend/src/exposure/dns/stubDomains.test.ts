import { ensureGlobalStubDomain, removeGlobalStubDomain } from './stubDomains';
import { loadFixtures } from './__testUtils__/fixtures';

const IP = '10.96.12.34';

const kubeDns = loadFixtures().filter(f => f.metadata?.name === 'kube-dns');

describe('stubDomains over kube-dns fixtures', () => {
  it('has the fixtures it should', () => {
    expect(kubeDns.map(f => f.file)).toEqual([
      'gke-kube-dns.yaml',
      'kube-dns-stubdomains.yaml',
    ]);
  });

  describe.each(kubeDns.map(f => [f.file, f.data] as const))(
    '%s',
    (_f, data) => {
      it('adds global, keeps the rest, is idempotent and removable', () => {
        const added = ensureGlobalStubDomain(data, IP);
        expect(added).toMatchObject({ changed: true, action: 'added' });
        expect(JSON.parse(added.data.stubDomains).global).toEqual([IP]);
        const { stubDomains: _added, ...addedRest } = added.data;
        const { stubDomains: _original, ...originalRest } = data ?? {};
        expect(addedRest).toEqual(originalRest);
        expect(ensureGlobalStubDomain(added.data, IP)).toEqual({
          data: added.data,
          changed: false,
          action: 'unchanged',
        });
        expect(removeGlobalStubDomain(added.data, IP)).toEqual({
          data: data ?? {},
          changed: true,
        });
      });

      it('moves to a new address only when told the old one was crossmesh’s', () => {
        const added = ensureGlobalStubDomain(data, IP).data;
        expect(() => ensureGlobalStubDomain(added, '10.96.0.99')).toThrow(
          /already has stub domain "global" -> \["10\.96\.12\.34"\], which crossmesh did not write/,
        );
        const moved = ensureGlobalStubDomain(added, '10.96.0.99', {
          previousIp: IP,
        });
        expect(moved.action).toBe('updated');
        expect(moved.data.stubDomains).toBe(
          added.stubDomains.replace(IP, '10.96.0.99'),
        );
      });
    },
  );

  it('splices into the original JSON text', () => {
    const data = {
      stubDomains:
        '{\n  "acme.local": ["1.2.3.4"],\n  "corp": ["10.1.1.1"]\n}\n',
      other: 'x',
    };
    const added = ensureGlobalStubDomain(data, IP).data;
    expect(added.stubDomains).toBe(
      `{\n  "acme.local": ["1.2.3.4"],\n  "corp": ["10.1.1.1"], "global": ["${IP}"]\n}\n`,
    );
    expect(removeGlobalStubDomain(added, IP).data).toEqual(data);
  });

  it('removes a global entry that comes first or alone', () => {
    expect(
      removeGlobalStubDomain(
        { stubDomains: `{"global": ["${IP}"], "corp": ["10.1.1.1"]}` },
        IP,
      ).data,
    ).toEqual({ stubDomains: '{"corp": ["10.1.1.1"]}' });
    expect(
      removeGlobalStubDomain({ stubDomains: `{ "global": ["${IP}"] }` }, IP)
        .data,
    ).toEqual({ stubDomains: '{  }' });
    expect(
      ensureGlobalStubDomain({ stubDomains: '{ }' }, IP).data.stubDomains,
    ).toBe(`{"global": ["${IP}"] }`);
  });

  it('accepts a hand-written global with the right address in another form', () => {
    const data = { stubDomains: `{"global": ["${IP}:53"]}` };
    expect(ensureGlobalStubDomain(data, IP)).toMatchObject({
      changed: false,
      action: 'unchanged',
    });
  });

  it('leaves a foreign global entry in place on remove', () => {
    const data = { stubDomains: '{"global": ["10.0.0.9"]}' };
    const result = removeGlobalStubDomain(data, IP);
    expect(result).toMatchObject({ data, changed: false });
    expect(result.skipped).toMatch(/points to \["10\.0\.0\.9"\]/);
  });

  it.each([
    ['{"acme.local": ["1.2.3.4"]', /not valid JSON/],
    ['["1.2.3.4"]', /not a JSON object/],
    ['{"acme.local": "1.2.3.4"}', /"acme\.local" is not a list of strings/],
  ])('rejects stubDomains %j', (stubDomains, message) => {
    expect(() => ensureGlobalStubDomain({ stubDomains }, IP)).toThrow(message);
    expect(() => removeGlobalStubDomain({ stubDomains }, IP)).toThrow(
      /kube-system\/kube-dns/,
    );
  });

  it.each(['10.0.0.1"]}', '1.2.3.4 ', '$(rm)'])('refuses address %j', ip => {
    expect(() => ensureGlobalStubDomain(undefined, ip)).toThrow(
      /is not an IPv4 or IPv6 address/,
    );
  });
});
