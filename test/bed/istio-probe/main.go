// Command istio-probe asks a real istiod what it gives a proxy or a workload, and prints it as
// JSON, so crossmesh's tests assert on Envoy configuration and certificates rather than YAML.
//
//	istio-probe xds --address 127.0.0.1:<grpc port> --namespace foo --service-account sleep ...
//	istio-probe csr --address 127.0.0.1:<secure grpc port> --root-cert root.pem --token-file t ...
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

const usage = `Usage:
  istio-probe xds --address <host:port> --namespace <ns> [--service-account <sa>] [--pod <name>]
                  [--ip <instance ip>] [--cluster-id <id>] [--type sidecar|router]
                  [--labels k=v,...] [--dns-capture] [--timeout 30s]
      Connects to istiod's plaintext xDS port as that proxy would and prints the clusters,
      endpoints, listeners, routes (and, with --dns-capture, the DNS name table) it receives.
  istio-probe csr --address <host:port> --root-cert <file> --token-file <file> --namespace <ns>
                  --service-account <sa> [--cluster-id <id>] [--server-name istiod.istio-system.svc]
                  [--timeout 30s]
      Sends a workload CSR to istiod's secure gRPC port with that ServiceAccount token and prints
      the certificate chain istiod signed.`

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "istio-probe: "+format+"\n", args...)
	os.Exit(1)
}

func printJSON(value any) {
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(value); err != nil {
		fail("writing JSON: %v", err)
	}
}

func parseLabels(text string) (map[string]string, error) {
	labels := map[string]string{}
	for _, pair := range strings.Split(text, ",") {
		if pair == "" {
			continue
		}
		key, value, ok := strings.Cut(pair, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("--labels wants key=value pairs, got %q", pair)
		}
		labels[key] = value
	}
	return labels, nil
}

func main() {
	if len(os.Args) < 2 {
		fail("a command is needed.\n%s", usage)
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	address := flags.String("address", "", "istiod's host:port")
	namespace := flags.String("namespace", "", "the workload's namespace")
	serviceAccount := flags.String("service-account", "default", "the workload's ServiceAccount")
	clusterID := flags.String("cluster-id", "Kubernetes", "the cluster the workload runs in (istiod's CLUSTER_ID)")
	timeout := flags.Duration("timeout", 30*time.Second, "how long to wait for istiod")
	pod := flags.String("pod", "", "xds: the pod name (default: <service-account>-probe)")
	ip := flags.String("ip", "10.0.0.1", "xds: the proxy's instance IP")
	nodeType := flags.String("type", "sidecar", "xds: sidecar or router (a gateway)")
	labels := flags.String("labels", "", "xds: the pod's labels, k=v,...")
	dnsCapture := flags.Bool("dns-capture", false, "xds: ask for the DNS proxy's name table, as ISTIO_META_DNS_CAPTURE does")
	rootCert := flags.String("root-cert", "", "csr: PEM file of the root(s) to verify istiod's serving certificate with")
	tokenFile := flags.String("token-file", "", "csr: a ServiceAccount token of audience istio-ca")
	serverName := flags.String("server-name", "istiod.istio-system.svc", "csr: the name istiod's certificate must carry")
	if err := flags.Parse(os.Args[2:]); err != nil {
		fail("%v", err)
	}
	if *address == "" || *namespace == "" {
		fail("--address and --namespace are required.\n%s", usage)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	switch os.Args[1] {
	case "xds":
		if *nodeType != "sidecar" && *nodeType != "router" {
			fail("--type must be sidecar or router, got %q", *nodeType)
		}
		podLabels, err := parseLabels(*labels)
		if err != nil {
			fail("%v", err)
		}
		name := *pod
		if name == "" {
			name = *serviceAccount + "-probe"
		}
		result, err := fetchXds(ctx, *address, proxyIdentity{
			nodeType: *nodeType, ip: *ip, pod: name, namespace: *namespace,
			serviceAccount: *serviceAccount, clusterID: *clusterID, labels: podLabels,
			dnsCapture: *dnsCapture,
		})
		if err != nil {
			fail("%v", err)
		}
		printJSON(result)
	case "csr":
		if *rootCert == "" || *tokenFile == "" {
			fail("--root-cert and --token-file are required for csr.\n%s", usage)
		}
		result, err := requestWorkloadCertificate(ctx, csrRequest{
			address: *address, rootCertFile: *rootCert, tokenFile: *tokenFile,
			namespace: *namespace, serviceAccount: *serviceAccount, clusterID: *clusterID,
			serverName: *serverName,
		})
		if err != nil {
			fail("%v", err)
		}
		printJSON(result)
	default:
		fail("unknown command %q.\n%s", os.Args[1], usage)
	}
}
