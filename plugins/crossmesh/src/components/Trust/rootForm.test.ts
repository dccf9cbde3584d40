import { emptyRootForm, rootFormErrors, toRootRequest } from './rootForm';

describe('the root form', () => {
  it('generates with the chosen key type and validity', () => {
    const values = {
      ...emptyRootForm('generate'),
      keyType: 'ecdsa-p256' as const,
    };
    expect(rootFormErrors(values, 'managed')).toEqual({});
    expect(toRootRequest(values, 'managed')).toEqual({
      keyType: 'ecdsa-p256',
      validityDays: 3650,
    });
    expect(rootFormErrors({ ...values, validityDays: '0' }, 'managed')).toEqual(
      { validityDays: 'A whole number of days from 1 to 36500' },
    );
  });

  it('imports certificate and key, and only the certificate for an offline root', () => {
    const values = {
      ...emptyRootForm('import'),
      certificate: { name: 'ca.pem', text: 'CERT' },
      key: { name: 'ca-key.pem', text: 'KEY' },
    };
    expect(toRootRequest(values, 'managed')).toEqual({
      certPem: 'CERT',
      keyPem: 'KEY',
    });
    expect(toRootRequest(values, 'offline-root')).toEqual({ certPem: 'CERT' });
    expect(rootFormErrors(emptyRootForm('import'), 'managed')).toEqual({
      certificate: 'Choose the root CA certificate (PEM)',
      key: 'Choose the root CA key (PEM)',
    });
    expect(rootFormErrors(emptyRootForm('import'), 'offline-root')).toEqual({
      certificate: 'Choose the root CA certificate (PEM)',
    });
  });
});
