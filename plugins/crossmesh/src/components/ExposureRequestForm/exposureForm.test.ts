import {
  emptyExposureForm,
  formatPorts,
  parsePorts,
  toNewExposureRequest,
  validateExposureForm,
} from './exposureForm';

const now = new Date('2026-06-15T12:00:00Z');

const valid = {
  consumerClusters: ['cluster-1'],
  ports: 'http:8000, grpc-api:9090',
  consumerNamespaces: 'checkout payments',
  reason: 'checkout calls svc-2',
  endDate: '2026-06-16',
};

describe('validateExposureForm', () => {
  it('accepts a complete form', () => {
    expect(validateExposureForm(valid, { now })).toEqual({});
  });

  it('names what is missing in an empty form', () => {
    expect(validateExposureForm(emptyExposureForm, { now })).toEqual({
      consumerClusters: 'Choose at least one consumer cluster',
      ports: 'Give at least one port as name:number, e.g. http:8000',
      reason: 'Say why the other clusters need this service',
    });
  });

  it('checks ports the Istio way, with the rule in the message', () => {
    const errors = validateExposureForm(
      { ...valid, ports: 'web:80, http:70000, grpc, http:81' },
      { now },
    );
    expect(errors.ports).toContain(
      "Port name 'web' is not an Istio port name: must be '<protocol>' or '<protocol>-<suffix>'",
    );
    expect(errors.ports).toContain(
      'Port number of http 70000 is not a port number: an integer from 1 to 65535',
    );
    expect(errors.ports).toContain("'grpc' is not name:number");
    expect(errors.ports).toContain('The same port name is given twice');
  });

  it('checks consumer namespaces as DNS-1123 labels', () => {
    expect(
      validateExposureForm(
        { ...valid, consumerNamespaces: 'Foo_Bar, shop, shop' },
        { now },
      ).consumerNamespaces,
    ).toBe(
      "Namespace 'Foo_Bar' is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters; The same namespace is given twice",
    );
  });

  it('wants the end date in the future, as the backend compares it', () => {
    expect(
      validateExposureForm({ ...valid, endDate: '2026-06-15' }, { now })
        .endDate,
    ).toBe('The end date must be in the future');
    expect(
      validateExposureForm({ ...valid, endDate: 'soon' }, { now }).endDate,
    ).toContain("'soon' is not a date");
  });

  it('wants a reason that is not blank and not too long', () => {
    expect(
      validateExposureForm({ ...valid, reason: '   ' }, { now }).reason,
    ).toBe('Say why the other clusters need this service');
    expect(
      validateExposureForm({ ...valid, reason: 'x'.repeat(2001) }, { now })
        .reason,
    ).toBe('At most 2000 characters');
  });
});

describe('the request body', () => {
  it('is what POST /exposures takes', () => {
    expect(toNewExposureRequest('component:default/svc-2', valid)).toEqual({
      entityRef: 'component:default/svc-2',
      service: {
        ports: [
          { name: 'http', number: 8000 },
          { name: 'grpc-api', number: 9090 },
        ],
      },
      consumerClusters: ['cluster-1'],
      consumerNamespaces: ['checkout', 'payments'],
      reason: 'checkout calls svc-2',
      endDate: '2026-06-16',
    });
    expect(
      toNewExposureRequest('component:default/svc-2', {
        ...valid,
        endDate: '',
      }),
    ).not.toHaveProperty('endDate');
  });

  it('reads and writes ports as name:number', () => {
    const ports = [
      { name: 'http', number: 8000 },
      { name: 'tcp-db', number: 5432 },
    ];
    expect(parsePorts(formatPorts(ports))).toEqual(ports);
  });
});
