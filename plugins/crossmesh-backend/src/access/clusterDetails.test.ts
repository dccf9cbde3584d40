import { clusterDetailsRedactor } from './clusterDetails';

const redactor = clusterDetailsRedactor([
  { name: 'cluster-1', url: 'https://127.0.0.1:6443' },
  { name: 'cluster-2', url: 'https://api.cluster-2.example.com:443/' },
]);

describe('clusterDetailsRedactor', () => {
  it("replaces the API servers' URLs, hosts and names, and crossmesh's identity, in every string", () => {
    const body = {
      items: [
        {
          name: 'cluster-1',
          error:
            'cannot reach the API server at https://127.0.0.1:6443 (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:6443',
        },
        {
          name: 'cluster-2',
          error:
            'getaddrinfo ENOTFOUND api.cluster-2.example.com; the API server at https://api.cluster-2.example.com:443 answered',
        },
      ],
      detail:
        'secrets "cacerts" is forbidden: User "system:serviceaccount:crossmesh-system:crossmesh" cannot create resource "secrets"',
      plain: 'User "crossmesh" cannot get resource "services"',
      count: 3,
      ok: true,
      none: null,
    };
    expect(redactor.mentions(body)).toBe(true);
    expect(redactor.redact(body)).toEqual({
      items: [
        {
          name: 'cluster-1',
          error:
            'cannot reach the API server at <API server of cluster-1> (ECONNREFUSED): connect ECONNREFUSED <API server of cluster-1>',
        },
        {
          name: 'cluster-2',
          error:
            'getaddrinfo ENOTFOUND <API server of cluster-2>; the API server at <API server of cluster-2> answered',
        },
      ],
      detail:
        'secrets "cacerts" is forbidden: User "<crossmesh\'s identity>" cannot create resource "secrets"',
      plain: 'User "<crossmesh\'s identity>" cannot get resource "services"',
      count: 3,
      ok: true,
      none: null,
    });
  });

  it('leaves answers without such details as they are', () => {
    const body = { gateway: { address: '192.0.2.10', port: 15443 } };
    expect(redactor.mentions(body)).toBe(false);
    expect(redactor.redact(body)).toEqual(body);
  });
});
