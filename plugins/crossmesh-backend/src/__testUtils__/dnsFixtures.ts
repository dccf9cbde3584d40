import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A fixture ConfigMap as stored under dnsFixtures/. */
export interface FixtureConfigMap {
  file: string;
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
  };
  data?: Record<string, string>;
}

const dir = join(__dirname, 'dnsFixtures');

/** Every fixture ConfigMap, read with the yaml package. */
export function loadFixtures(): FixtureConfigMap[] {
  return readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(file => ({ file, ...parse(readFileSync(join(dir, file), 'utf8')) }));
}

/** One fixture's text as stored, e.g. `kubeadm.yaml`. */
export function fixtureText(file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}
