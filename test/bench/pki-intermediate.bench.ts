/*
 * Benchmark: issuing one RSA-4096 intermediate CA with crossmesh's PKI
 * (key generation + signing) against openssl doing the same the way Istio's
 * tools/certs Makefile does (genrsa 4096, req -new, x509 -req).
 * Target: crossmesh at most 1.2x openssl.
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/pki-intermediate.bench.ts [--runs 15] [--check]
 * `--check` exits with 1 when the median ratio exceeds 1.2.
 */
import { reportRows } from './benchResult';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  generateRootCa,
  issueIntermediateCa,
} from '../../plugins/crossmesh-backend/src/pki';

const TARGET_RATIO = 1.2;

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  }
}

const INTERMEDIATE_CONF = `[ req ]
encrypt_key = no
prompt = no
utf8 = yes
default_md = sha256
default_bits = 4096
req_extensions = req_ext
x509_extensions = req_ext
distinguished_name = req_dn
[ req_ext ]
subjectKeyIdentifier = hash
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectAltName=@san
[ san ]
DNS.1 = istiod.istio-system.svc
[ req_dn ]
O = Istio
CN = Intermediate CA
L = bench
`;

/** Milliseconds for genrsa + req + x509 -req, plus the genrsa share. */
function timeOpenssl(dir: string): { total: number; genrsa: number } {
  const start = performance.now();
  openssl(['genrsa', '-out', 'ca-key.pem', '4096'], dir);
  const afterKey = performance.now();
  openssl(
    [
      'req',
      '-new',
      '-sha256',
      '-key',
      'ca-key.pem',
      '-config',
      'intermediate.conf',
      '-out',
      'cluster-ca.csr',
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-sha256',
      '-days',
      '730',
      '-CA',
      'root-cert.pem',
      '-CAkey',
      'root-key.pem',
      '-CAcreateserial',
      '-extensions',
      'req_ext',
      '-extfile',
      'intermediate.conf',
      '-in',
      'cluster-ca.csr',
      '-out',
      'ca-cert.pem',
    ],
    dir,
  );
  const end = performance.now();
  return { total: end - start, genrsa: afterKey - start };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { median, mean, min: sorted[0], max: sorted[sorted.length - 1] };
}

function fmt(ms: number): string {
  return `${ms.toFixed(0).padStart(6)} ms`;
}

async function main() {
  const runs = argValue('--runs', 15);
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-bench-'));
  try {
    const root = await generateRootCa({ keyType: 'rsa-4096' });
    writeFileSync(join(dir, 'root-cert.pem'), root.certPem);
    writeFileSync(join(dir, 'root-key.pem'), root.keyPem);
    writeFileSync(join(dir, 'intermediate.conf'), INTERMEDIATE_CONF);

    // Warm-up: JIT, module loading, openssl's page cache.
    await issueIntermediateCa({
      root,
      clusterName: 'bench',
      keyType: 'rsa-4096',
    });
    timeOpenssl(dir);

    const ours: number[] = [];
    const theirs: number[] = [];
    const genrsa: number[] = [];
    // Interleaved so that machine load affects both sides alike.
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await issueIntermediateCa({
        root,
        clusterName: 'bench',
        keyType: 'rsa-4096',
      });
      ours.push(performance.now() - start);
      const o = timeOpenssl(dir);
      theirs.push(o.total);
      genrsa.push(o.genrsa);
      process.stderr.write('.');
    }
    process.stderr.write('\n');

    const a = stats(ours);
    const b = stats(theirs);
    const g = stats(genrsa);
    const medianRatio = a.median / b.median;
    const meanRatio = a.mean / b.mean;
    console.log(
      `RSA-4096 intermediate CA, ${runs} runs each (node ${
        process.version
      }, ${spawnSync('openssl', ['version'], {
        encoding: 'utf8',
      }).stdout.trim()})`,
    );
    console.log(
      `                                median      mean       min       max`,
    );
    console.log(
      `crossmesh issueIntermediateCa ${fmt(a.median)} ${fmt(a.mean)} ${fmt(
        a.min,
      )} ${fmt(a.max)}`,
    );
    console.log(
      `openssl genrsa+req+x509 -req  ${fmt(b.median)} ${fmt(b.mean)} ${fmt(
        b.min,
      )} ${fmt(b.max)}`,
    );
    console.log(
      `  of which openssl genrsa     ${fmt(g.median)} ${fmt(g.mean)} ${fmt(
        g.min,
      )} ${fmt(g.max)}`,
    );
    console.log(
      `ratio crossmesh/openssl: median ${medianRatio.toFixed(
        2,
      )}x, mean ${meanRatio.toFixed(2)}x (target <= ${TARGET_RATIO}x)`,
    );
    reportRows([
      {
        benchmark: `RSA-4096 intermediate CA issuance, ${runs} runs`,
        figure: `median ${fmt(a.median).trim()}`,
        baseline: `openssl genrsa+req+x509 -req: median ${fmt(
          b.median,
        ).trim()}`,
        ratio: medianRatio,
        target: `ratio <= ${TARGET_RATIO}`,
        pass: medianRatio <= TARGET_RATIO,
      },
    ]);
    if (process.argv.includes('--check') && medianRatio > TARGET_RATIO) {
      console.error(
        `FAIL: median ratio ${medianRatio.toFixed(2)} exceeds ${TARGET_RATIO}`,
      );
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
