import {
  legacyGlobalGatewaySupport,
  parseIstioVersion,
  strategyForIstioVersion,
} from './istioVersion';

describe('parseIstioVersion', () => {
  it.each([
    ['docker.io/istio/pilot:1.6.8', '1.6.8'],
    ['gcr.io/istio-release/pilot:1.22.3-distroless', '1.22.3'],
    ['registry.local:5000/istio/pilot:1.8.0', '1.8.0'],
    ['istio/pilot:1.7', '1.7'],
    ['docker.io/istio/pilot:v1.9.5@sha256:abcd', '1.9.5'],
  ])('reads %s as %s', (image, text) => {
    expect(parseIstioVersion(image)?.text).toBe(text);
  });

  it.each([
    'docker.io/istio/pilot',
    'docker.io/istio/pilot:latest',
    'docker.io/istio/pilot@sha256:abcd',
    'registry.local:5000/istio/pilot',
  ])('finds no version in %s', image => {
    expect(parseIstioVersion(image)).toBeNull();
  });
});

describe('strategyForIstioVersion', () => {
  it.each([
    ['1.6.8', 'legacy-global'],
    ['1.7.4', 'legacy-global'],
    ['1.8.0', 'dns-proxy'],
    ['1.22.3', 'dns-proxy'],
    ['2.0.0', 'dns-proxy'],
  ])('chooses for %s: %s', (version, strategy) => {
    expect(
      strategyForIstioVersion(parseIstioVersion(`istio/pilot:${version}`)!),
    ).toBe(strategy);
  });
});

describe('legacyGlobalGatewaySupport', () => {
  it.each([
    ['1.6.8', 'native'],
    ['1.7.4', 'native'],
    ['1.8.5', 'native'],
    ['1.8.6', 'with-legacy-flag'],
    ['1.9.4', 'native'],
    ['1.9.5', 'with-legacy-flag'],
    ['1.17.8', 'with-legacy-flag'],
    ['1.18.0', 'none'],
    ['1.31', 'none'],
  ])('Istio %s: %s', (version, support) => {
    expect(
      legacyGlobalGatewaySupport(parseIstioVersion(`istio/pilot:${version}`)!),
    ).toBe(support);
  });
});
