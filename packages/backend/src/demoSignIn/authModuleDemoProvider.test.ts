import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AddressInfo } from 'node:net';
import { demoUserHeader } from './demoAuthenticator';
import { authModuleDemoProvider } from './authModuleDemoProvider';

jest.setTimeout(60_000);

const org = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec:
  profile: { displayName: Bob (team-b), email: bob@example.com }
  memberOf: [team-b]
`;

function payloadOf(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

async function startBackend(auth: object, nodeEnv = 'development') {
  const directory = createMockDirectory({ content: { 'org.yaml': org } });
  const previousNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    return await startTestBackend({
      features: [
        import('@backstage/plugin-auth-backend'),
        import('@backstage/plugin-catalog-backend'),
        authModuleDemoProvider,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth,
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Location'] }],
              locations: [
                { type: 'file', target: directory.resolve('org.yaml') },
              ],
            },
          },
        }),
      ],
    });
  } finally {
    process.env.NODE_ENV = previousNodeEnv;
  }
}

/** Calls the provider's refresh route the way ProxiedSignInPage does. */
async function refresh(
  backend: Awaited<ReturnType<typeof startBackend>>,
  userName?: string,
) {
  const { port } = backend.server.address() as AddressInfo;
  const response = await fetch(
    `http://localhost:${port}/api/auth/demo/refresh`,
    {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        ...(userName === undefined ? {} : { [demoUserHeader]: userName }),
      },
    },
  );
  return { status: response.status, body: await response.json() };
}

describe('the demo auth provider', () => {
  describe('when auth.providers.demo is configured', () => {
    let backend: Awaited<ReturnType<typeof startBackend>>;

    beforeAll(async () => {
      backend = await startBackend({ providers: { demo: {} } });
      // The catalog ingests the org file on its first processing pass.
      for (let attempt = 0; attempt < 100; attempt++) {
        const response = await refresh(backend, 'bob');
        if (response.status === 200) return;
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      throw new Error(
        'bob never became signable; the catalog did not ingest the org file',
      );
    });

    afterAll(() => backend?.stop());

    it('signs in as the catalog User named in the header, with its groups and profile', async () => {
      const response = await refresh(backend, 'bob');

      expect(response.status).toBe(200);
      expect(response.body.profile).toEqual({
        displayName: 'Bob (team-b)',
        email: 'bob@example.com',
      });
      const { identity } = response.body.backstageIdentity;
      expect(identity.userEntityRef).toBe('user:default/bob');
      expect([...identity.ownershipEntityRefs].sort()).toEqual([
        'group:default/team-b',
        'user:default/bob',
      ]);
      const claims = payloadOf(response.body.backstageIdentity.token);
      expect(claims.sub).toBe('user:default/bob');
    });

    it('refuses a name that is not a User in the catalog, saying so', async () => {
      const response = await refresh(backend, 'mallory');

      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(
        'There is no User "mallory" in the catalog (namespace default); demo sign-in only signs in as catalog Users. Add the user to the catalog (e.g. examples/org.yaml) or pick one that is there.',
      );
    });

    it('asks for the header when it is missing', async () => {
      const response = await refresh(backend);

      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        'Demo sign-in needs the name of a catalog User in the x-crossmesh-demo-user header, e.g. "x-crossmesh-demo-user: bob".',
      );
    });

    it('refuses a header that is no entity name', async () => {
      const response = await refresh(backend, 'group:default/team-b');

      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(
        'is not a catalog entity name',
      );
    });
  });

  it('is not mounted when auth.providers.demo is not configured', async () => {
    const backend = await startBackend({ providers: { guest: {} } });
    try {
      const response = await refresh(backend, 'bob');

      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(
        "No auth provider registered for 'demo'",
      );
    } finally {
      await backend.stop();
    }
  });

  it('refuses to run outside development unless explicitly allowed', async () => {
    const backend = await startBackend(
      { providers: { demo: {} } },
      'production',
    );
    try {
      const response = await refresh(backend, 'bob');

      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain(
        'only runs with NODE_ENV=development',
      );
    } finally {
      await backend.stop();
    }
  });
});
