import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

const labels = {
  app: 'shop',
  'app.kubernetes.io/part-of': 'checkout',
  tier: 'backend',
};

describe('label selectors as the Kubernetes plugin annotates them', () => {
  it.each([
    ['app=shop', true],
    ['app==shop', true],
    ['app=cart', false],
    ['app!=cart', true],
    ['missing!=x', true],
    ['app.kubernetes.io/part-of=checkout,tier=backend', true],
    ['app.kubernetes.io/part-of=checkout, tier=frontend', false],
    ['tier in (backend, frontend)', true],
    ['tier notin (backend)', false],
    ['missing notin (a,b)', true],
    ['missing in (a)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('refuses what kubectl -l would refuse, naming the part', () => {
    expect(() => parseLabelSelector('')).toThrow('the selector is empty');
    expect(() => parseLabelSelector('app=shop,')).toThrow("cannot read ''");
    expect(() => parseLabelSelector('-app=shop')).toThrow(
      "'-app=shop' has no valid label key",
    );
    expect(() => parseLabelSelector('a b c')).toThrow("cannot read 'a b c'");
    expect(() => parseLabelSelector('app=sh op')).toThrow(
      "cannot read 'app=sh op'",
    );
    expect(() => parseLabelSelector('app=a\nkind: Secret')).toThrow();
    expect(() => parseLabelSelector('tier in (a$b)')).toThrow(
      "invalid label value 'a$b'",
    );
  });
});
