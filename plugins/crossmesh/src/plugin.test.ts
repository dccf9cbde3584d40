import { crossmeshPlugin } from './plugin';

describe('crossmesh', () => {
  it('should export plugin', () => {
    expect(crossmeshPlugin).toBeDefined();
  });
});
