import {
  globalHostFor,
  parseGlobalHost,
  protocolOfPortName,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateGlobalHost,
  validateLabelValue,
  validatePort,
  validatePortName,
  validatePortProtocol,
} from './naming';

// Strings that try to break out of YAML, a label selector, a Corefile or a log line, and
// Unicode look-alikes of valid names.
const injections = [
  'foo\nbar',
  'foo\r\nkind: Secret',
  'foo:bar',
  'foo{',
  '}',
  '"foo"',
  "'foo'",
  'foo bar',
  'foo\tbar',
  'foo\u0000',
  'foo/bar',
  'foo,bar',
  'foo=bar',
  '${HOME}',
  'fоо', // Cyrillic о
  'ｆｏｏ', // full-width
  'foo\u200b', // zero-width space
  'foo\u2010bar', // Unicode hyphen
  'K', // KELVIN SIGN, lower-cases to 'k'
  'ﬀ', // ligature
  '',
  '-foo',
  'foo-',
  'Foo',
  'foo_bar',
  'foo.bar',
];

describe('validateDns1123Label', () => {
  it.each(['a', 'foo', 'svc-2', '0', 'a1-b2', 'x'.repeat(63)])(
    'accepts %j',
    value => {
      expect(validateDns1123Label(value, 'namespace')).toEqual({ ok: true });
    },
  );

  it.each([...injections, 'x'.repeat(64)])('refuses %j', value => {
    expect(validateDns1123Label(value, 'namespace').ok).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['foo']])(
    'refuses non-string %j',
    value => {
      expect(validateDns1123Label(value, 'namespace').ok).toBe(false);
    },
  );

  it('names the field, the value and the rule', () => {
    expect(validateDns1123Label('Foo_Bar', 'consumerNamespaces[1]')).toEqual({
      ok: false,
      message:
        "consumerNamespaces[1] 'Foo_Bar' is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    });
  });

  it('escapes the value so the message stays one clean line', () => {
    const result = validateDns1123Label("a'\nb\u200bс", 'namespace');
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^namespace 'a\\'\\u\{a\}b\\u\{200b\}\\u\{441\}' is not/,
      ),
    });
    const long = validateDns1123Label('x'.repeat(500), 'namespace');
    expect(!long.ok && long.message).toContain(`'${'x'.repeat(80)}...'`);
    expect(validateDns1123Label(undefined, 'namespace')).toEqual({
      ok: false,
      message: expect.stringMatching(/^namespace undefined is not/),
    });
  });
});

describe('validateDns1123Subdomain', () => {
  it.each([
    'a',
    'a.b',
    'svc-2.bar.global',
    'x'.repeat(63),
    `${'a.'.repeat(126)}a`,
  ])('accepts %j', value => {
    expect(validateDns1123Subdomain(value, 'address')).toEqual({ ok: true });
  });

  it.each([
    ...injections.filter(v => v !== 'foo.bar'),
    'a..b',
    '.a',
    'a.',
    `${'a.'.repeat(126)}ab`, // 254 characters
    `${'x'.repeat(64)}.a`,
  ])('refuses %j', value => {
    const result = validateDns1123Subdomain(value, 'remoteGateway.address');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(
      /^remoteGateway\.address .* is not a DNS-1123 subdomain: /,
    );
  });
});

describe('validateLabelValue', () => {
  it.each([
    '',
    'a',
    'A_b.c-d',
    '0f8fad5b-d9cb-469f-a165-70867728950e',
    'x'.repeat(63),
  ])('accepts %j', value => {
    expect(validateLabelValue(value, 'requestId')).toEqual({ ok: true });
  });

  it.each(['x'.repeat(64), '-a', 'a_', 'a b', 'a\nb', 'a:b', 'а'])(
    'refuses %j',
    value => {
      expect(validateLabelValue(value, 'requestId').ok).toBe(false);
    },
  );
});

describe('validatePort', () => {
  it.each([1, 80, 15443, 65535])('accepts %j', port => {
    expect(validatePort(port, 'ports[0].number')).toEqual({ ok: true });
  });

  it.each([0, -1, 65536, 1.5, NaN, Infinity, '80', null, undefined])(
    'refuses %j',
    port => {
      expect(validatePort(port, 'ports[0].number')).toEqual({
        ok: false,
        message: expect.stringMatching(
          /^ports\[0\]\.number .* is not a port number: an integer from 1 to 65535$/,
        ),
      });
    },
  );
});

describe('port names and protocols', () => {
  it.each([
    ['http', 'http'],
    ['http-web', 'http'],
    ['http2', 'http2'],
    ['https', 'https'],
    ['grpc', 'grpc'],
    ['grpc-web', 'grpc-web'],
    ['grpc-web-ui', 'grpc-web'],
    ['grpc-api', 'grpc'],
    ['tcp', 'tcp'],
    ['tcp-db', 'tcp'],
    ['tls-1', 'tls'],
    ['mongo', 'mongo'],
    ['redis-cache', 'redis'],
    ['mysql', 'mysql'],
  ])('accepts %j as %s', (name, protocol) => {
    expect(validatePortName(name, 'ports[0].name')).toEqual({ ok: true });
    expect(protocolOfPortName(name)).toBe(protocol);
  });

  it.each([
    ...injections,
    'web',
    'http1', // Istio needs '<protocol>' or '<protocol>-<suffix>'
    'httpx',
    'udp',
    'HTTP',
    'http-',
    `http-${'x'.repeat(58)}`, // 63 characters: Istio's CRD wants fewer
  ])('refuses %j', name => {
    const result = validatePortName(name, 'ports[0].name');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(
      'is not an Istio port name: ',
    );
  });

  it('accepts a 62-character port name', () => {
    expect(validatePortName(`http-${'x'.repeat(57)}`, 'p')).toEqual({
      ok: true,
    });
  });

  it.each(['HTTP', 'http', 'GRPC-WEB', 'TCP', 'tls', 'Mongo'])(
    'accepts protocol %j',
    protocol => {
      expect(validatePortProtocol(protocol, 'ports[0].protocol')).toEqual({
        ok: true,
      });
    },
  );

  it.each(['UDP', 'SCTP', 'HTTP\n', 'HTTP:', 'ＨＴＴＰ', 'TCP ', '', 3, null])(
    'refuses protocol %j',
    protocol => {
      expect(validatePortProtocol(protocol, 'ports[0].protocol').ok).toBe(
        false,
      );
    },
  );

  it.each(['\u0422CP', 'HTTP\u0405', 'tl\u0455'])(
    'refuses the look-alike protocol %j',
    protocol => {
      expect(validatePortProtocol(protocol, 'p').ok).toBe(false);
    },
  );
});

describe('.global hosts', () => {
  it('builds <svc>.<ns>.global', () => {
    expect(globalHostFor('svc-2', 'bar')).toBe('svc-2.bar.global');
    expect(parseGlobalHost('svc-2.bar.global')).toEqual({
      service: 'svc-2',
      namespace: 'bar',
    });
    expect(validateGlobalHost('svc-2.bar.global', 'host')).toEqual({
      ok: true,
    });
  });

  it.each(injections)('refuses service %j', service => {
    expect(() => globalHostFor(service, 'bar')).toThrow(
      /^service .* is not a DNS-1123 label/,
    );
  });

  it.each(injections)('refuses namespace %j', namespace => {
    expect(() => globalHostFor('svc', namespace)).toThrow(
      /^namespace .* is not a DNS-1123 label/,
    );
  });

  it.each([
    'svc.global',
    'a.b.c.global',
    'svc.bar.global.',
    'svc.bar.globa1',
    'Svc.bar.global',
    'svc.bar\n.global',
    'svc.bаr.global',
    '*.global',
    '.bar.global',
  ])('does not take %j for a .global host', host => {
    expect(parseGlobalHost(host)).toBeUndefined();
    expect(validateGlobalHost(host, 'host').ok).toBe(false);
  });
});
