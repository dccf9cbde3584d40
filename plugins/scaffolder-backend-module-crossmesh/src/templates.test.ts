import { CrossmeshService } from '@crossmesh/backstage-plugin-crossmesh-node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createOnboardClusterAction } from './actions/onboardCluster';
import { createRequestExposureAction } from './actions/requestExposure';
import { readTemplateSteps } from './__testUtils__/templateSteps';

const templates = resolve(__dirname, '../../../examples/templates');
// The schemas are all that is read here; the backend is never called.
const crossmesh = {} as CrossmeshService;
const actions = new Map(
  [
    createOnboardClusterAction({ crossmesh }),
    createRequestExposureAction({ crossmesh }),
  ].map(action => [action.id, action]),
);

describe('the example templates', () => {
  it.each([
    ['add-cluster-to-mesh', ['crossmesh:cluster:onboard']],
    [
      'create-service-with-exposure',
      ['fetch:template', 'catalog:write', 'crossmesh:exposure:request'],
    ],
  ])(
    '%s gives the crossmesh actions every input they require and none they do not know',
    (name, expectedActions) => {
      const steps = readTemplateSteps(
        readFileSync(resolve(templates, name, 'template.yaml'), 'utf8'),
      );
      expect(steps.map(s => s.action)).toEqual(expectedActions);
      for (const step of steps.filter(s => s.action.startsWith('crossmesh:'))) {
        const schema = actions.get(step.action)!.schema!.input as {
          properties: Record<string, unknown>;
          required: string[];
        };
        const given = Object.keys(step.input);
        expect(given.filter(key => !(key in schema.properties))).toEqual([]);
        expect(schema.required.filter(key => !given.includes(key))).toEqual([]);
      }
    },
  );
});
