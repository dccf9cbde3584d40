/**
 * The bed's `svc-2`: a tiny HTTP server that answers every request with its own name, cluster
 * and namespace and the caller its sidecar saw (the x-forwarded-client-cert header Istio's
 * inbound proxy sets from the peer certificate), and appends one JSON line per request to a log.
 * With the certificate chain in that header (see the bed's EnvoyFilter), it also names the
 * chain's root. Runs alone under Node (type stripping): node echo.ts <port> <log> <name> <namespace> <cluster>
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const [port, log, name, namespace, cluster] = process.argv.slice(2);

/** The last element of an XFCC header (the immediate peer), as key → value. */
function peerOf(xfcc: string | undefined): Record<string, string> {
  if (!xfcc) return {};
  const elements = xfcc.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const fields: Record<string, string> = {};
  for (const pair of elements[elements.length - 1].split(
    /;(?=(?:[^"]*"[^"]*")*[^"]*$)/,
  )) {
    const at = pair.indexOf('=');
    if (at > 0)
      fields[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"|"$/g, '');
  }
  return fields;
}

/**
 * The chain the peer sent, followed from its leaf by signature: each certificate's issuer among
 * the others, up to a self-signed root (when the peer sent it) or to the last issuer named.
 */
function chainOf(encoded: string | undefined) {
  if (!encoded) return undefined;
  const pems =
    decodeURIComponent(encoded).match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [];
  const certificates = pems.map(pem => new X509Certificate(pem));
  const path = certificates.slice(0, 1);
  for (;;) {
    const current = path[path.length - 1];
    if (!current || current.issuer === current.subject) break;
    const issuer = certificates.find(
      c =>
        !path.includes(c) &&
        current.checkIssued(c) &&
        current.verify(c.publicKey),
    );
    if (!issuer) break;
    path.push(issuer);
  }
  const top = path[path.length - 1];
  if (!top) return undefined;
  const selfSigned = top.issuer === top.subject;
  return {
    /** SHA-256 fingerprint of the root the chain leads to, when the peer sent it along. */
    root: selfSigned ? top.fingerprint256 : undefined,
    /** Who signed the top of the path: the root's subject when the root was not sent. */
    rootSubject: selfSigned ? top.subject : top.issuer,
    intermediate: path[1]?.fingerprint256,
  };
}

const server = http
  .createServer((request, response) => {
    const peer = peerOf(
      request.headers['x-forwarded-client-cert'] as string | undefined,
    );
    const chain = chainOf(peer.Chain);
    const answer = {
      service: name,
      namespace,
      cluster,
      caller: peer.URI ?? null,
      peerCertificateHash: peer.Hash ?? null,
      peerRoot: chain?.root ?? null,
      peerRootSubject: chain?.rootSubject ?? null,
      peerIntermediate: chain?.intermediate ?? null,
    };
    fs.appendFileSync(
      log,
      `${JSON.stringify({ time: Date.now(), path: request.url, ...answer })}\n`,
    );
    response.setHeader('content-type', 'application/json');
    response.end(`${JSON.stringify(answer)}\n`);
  })
  .listen(Number(port), '0.0.0.0');
// The sidecar keeps idle connections to the app for an hour (Istio's default idle timeout),
// while Node closes them after 5 s; a request the sidecar sends on one as Node closes it fails
// with a 503 "connection termination", a race between the app and its own sidecar whatever
// the mesh does. So the app keeps them longer than its sidecar does.
server.keepAliveTimeout = 2 * 60 * 60 * 1000;
