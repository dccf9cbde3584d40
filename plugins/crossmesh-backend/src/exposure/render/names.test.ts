import {
  validateDns1123Label,
  validateLabelValue,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { objectNameForHost, requestIdLabelValue } from './names';
import { renderExposure } from './renderExposure';

const longService = `s${'v'.repeat(62)}`;
const longNamespace = `n${'s'.repeat(62)}`;

describe('objectNameForHost', () => {
  it('is readable for a short host', () => {
    expect(objectNameForHost('svc-2.bar.global')).toBe(
      'crossmesh-svc-2-bar-0ce7b621ad',
    );
  });

  it.each([
    'a.b.global',
    'svc-2.bar.global',
    `${longService}.${longNamespace}.global`,
    `${longService}.b.global`,
    `a.${longNamespace}.global`,
    `svc-${'-'.repeat(40)}x.bar.global`,
    '0.0.global',
  ])('gives %s a DNS-1123 label of at most 63 characters', host => {
    const name = objectNameForHost(host);
    expect(validateDns1123Label(name, 'name')).toEqual({ ok: true });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.startsWith('crossmesh-')).toBe(true);
  });

  it('tells apart hosts that differ only where dots and dashes are', () => {
    expect(objectNameForHost('a-b.c.global')).not.toBe(
      objectNameForHost('a.b-c.global'),
    );
  });

  it('tells apart long hosts that share their first 52 characters', () => {
    const a = objectNameForHost(`${longService}.a.global`);
    const b = objectNameForHost(`${longService}.b.global`);
    expect(a).not.toBe(b);
    expect(a.slice(0, 52)).toBe(b.slice(0, 52));
  });
});

describe('requestIdLabelValue', () => {
  it.each(['0f8fad5b-d9cb-469f-a165-70867728950e', '42', 'req_1.a'])(
    'keeps %j, a valid label value',
    id => {
      expect(requestIdLabelValue(id)).toBe(id);
    },
  );

  it.each(['x'.repeat(64), 'req 1', 'a\nb', 'r:1', '-a', 'ñ', ''])(
    'hashes %j into a valid label value',
    id => {
      const value = requestIdLabelValue(id);
      expect(value).toMatch(/^sha256-[0-9a-f]{56}$/);
      expect(validateLabelValue(value, 'value')).toEqual({ ok: true });
      expect(requestIdLabelValue(id)).toBe(value);
    },
  );
});

describe('labels and names of rendered objects', () => {
  it('are valid for the longest host and an odd request id', () => {
    const host = `${longService}.${longNamespace}.global`;
    const rendered = renderExposure('dns-proxy', {
      requestId: 'request #1: "quoted"\n',
      host,
      vip: '255.255.255.254',
      ports: [{ name: `tcp-${'x'.repeat(58)}`, number: 65535 }],
      exportTo: [longNamespace],
      remoteGateway: {
        address: `${'a'.repeat(63)}.${'b'.repeat(63)}.example.com`,
        port: 31443,
      },
    });
    for (const object of [...rendered.consumer, ...rendered.exporter]) {
      expect(validateDns1123Label(object.metadata.name, 'name')).toEqual({
        ok: true,
      });
      for (const value of Object.values(object.metadata.labels)) {
        expect(validateLabelValue(value, 'label')).toEqual({ ok: true });
      }
      expect(object.metadata.labels['app.kubernetes.io/managed-by']).toBe(
        'crossmesh',
      );
    }
    expect(rendered.consumer[0].metadata.annotations['crossmesh.io/host']).toBe(
      host,
    );
  });
});
