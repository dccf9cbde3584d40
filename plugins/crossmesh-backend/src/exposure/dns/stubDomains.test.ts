import { ensureGlobalStubDomain, removeGlobalStubDomain } from './stubDomains';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';

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
      it('adds global, keeps the rest, is idempotent and removable to the original bytes', () => {
        const added = ensureGlobalStubDomain(data, IP);
        expect(added).toMatchObject({ changed: true, action: 'added' });
        expect(JSON.parse(added.data.stubDomains).global).toEqual([IP]);
        const { stubDomains: _added, ...addedRest } = added.data;
        const { stubDomains: _original, ...originalRest } = data ?? {};
        expect(addedRest).toEqual(originalRest);
        expect(added.record).toEqual({
          original: data?.stubDomains ?? null,
          written: added.data.stubDomains,
        });
        expect(ensureGlobalStubDomain(added.data, IP, added.record)).toEqual({
          data: added.data,
          changed: false,
          action: 'unchanged',
          record: added.record,
        });
        expect(removeGlobalStubDomain(added.data, added.record)).toEqual({
          data: data ?? {},
          changed: true,
        });
      });

      it('moves its own entry to a new address, and only its own', () => {
        const added = ensureGlobalStubDomain(data, IP);
        expect(() => ensureGlobalStubDomain(added.data, '10.96.0.99')).toThrow(
          /already has stub domain "global" -> \["10\.96\.12\.34"\], which crossmesh did not write/,
        );
        const moved = ensureGlobalStubDomain(
          added.data,
          '10.96.0.99',
          added.record,
        );
        expect(moved.action).toBe('updated');
        expect(moved.data.stubDomains).toBe(
          added.data.stubDomains.replace(IP, '10.96.0.99'),
        );
        expect(moved.record!.original).toBe(added.record!.original);
        expect(removeGlobalStubDomain(moved.data, moved.record).data).toEqual(
          data ?? {},
        );
      });
    },
  );

  it('gives back "{}" and other spellings of an empty object byte for byte', () => {
    for (const stubDomains of ['{}', '{ }\n', '{\n}']) {
      const added = ensureGlobalStubDomain({ stubDomains }, IP);
      expect(removeGlobalStubDomain(added.data, added.record).data).toEqual({
        stubDomains,
      });
    }
  });

  it('splices into the original JSON text, and out again when others changed it meanwhile', () => {
    const data = {
      stubDomains:
        '{\n  "acme.local": ["1.2.3.4"],\n  "corp": ["10.1.1.1"]\n}\n',
      other: 'x',
    };
    const added = ensureGlobalStubDomain(data, IP);
    expect(added.data.stubDomains).toBe(
      `{\n  "acme.local": ["1.2.3.4"],\n  "corp": ["10.1.1.1"], "global": ["${IP}"]\n}\n`,
    );
    const edited = {
      ...added.data,
      stubDomains: added.data.stubDomains.replace('"corp"', '"corp2"'),
    };
    expect(removeGlobalStubDomain(edited, added.record).data).toEqual({
      ...data,
      stubDomains: data.stubDomains.replace('"corp"', '"corp2"'),
    });
  });

  it('removes its entry when it comes first or alone, and the key it created', () => {
    const record = (written: string, original: string | null) => ({
      original,
      written,
    });
    const first = `{"global": ["${IP}"], "corp": ["10.1.1.1"]}`;
    // Written into "{}", and "corp" added by someone since.
    expect(
      removeGlobalStubDomain(
        { stubDomains: first },
        record(`{"global": ["${IP}"]}`, '{}'),
      ).data,
    ).toEqual({ stubDomains: '{"corp": ["10.1.1.1"]}' });
    const alone = `{ "global": ["${IP}"] }`;
    expect(
      removeGlobalStubDomain({ stubDomains: alone }, record(alone, null)).data,
    ).toEqual({});
    expect(
      ensureGlobalStubDomain({ stubDomains: '{ }' }, IP).data.stubDomains,
    ).toBe(`{"global": ["${IP}"] }`);
  });

  it('adopts a hand-written global with the right address, in any form, and never removes it', () => {
    for (const server of [IP, `${IP}:53`]) {
      const data = { stubDomains: `{"global": ["${server}"]}` };
      expect(ensureGlobalStubDomain(data, IP)).toEqual({
        data,
        changed: false,
        action: 'adopted',
      });
      const removed = removeGlobalStubDomain(data, undefined);
      expect(removed).toMatchObject({ data, changed: false });
      expect(removed.skipped).toMatch(
        /is not one crossmesh wrote \(it has no record of writing it\); left as it is/,
      );
    }
  });

  it('leaves its entry once someone changed it', () => {
    const added = ensureGlobalStubDomain(undefined, IP);
    const changed = { stubDomains: '{"global": ["10.0.0.9"]}' };
    const result = removeGlobalStubDomain(changed, added.record);
    expect(result).toMatchObject({ data: changed, changed: false });
    expect(result.skipped).toMatch(
      /\["10\.0\.0\.9"\]\) is not one crossmesh wrote any more/,
    );
  });

  it.each([
    ['{"acme.local": ["1.2.3.4"]', /not valid JSON/],
    ['["1.2.3.4"]', /not a JSON object/],
    ['{"acme.local": "1.2.3.4"}', /"acme\.local" is not a list of strings/],
  ])('rejects stubDomains %j', (stubDomains, message) => {
    expect(() => ensureGlobalStubDomain({ stubDomains }, IP)).toThrow(message);
    expect(() =>
      removeGlobalStubDomain({ stubDomains }, { original: null, written: '' }),
    ).toThrow(/kube-system\/kube-dns/);
  });

  it.each(['10.0.0.1"]}', '1.2.3.4 ', '$(rm)'])('refuses address %j', ip => {
    expect(() => ensureGlobalStubDomain(undefined, ip)).toThrow(
      /is not an IPv4 or IPv6 address/,
    );
  });
});
