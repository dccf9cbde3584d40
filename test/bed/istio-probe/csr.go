package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	security "istio.io/api/security/v1alpha1"
)

type csrRequest struct {
	address, rootCertFile, tokenFile, namespace, serviceAccount, clusterID, serverName string
}

type csrResult struct {
	// CertChain is what istiod returned: the workload certificate first, then its CA chain.
	CertChain []string `json:"certChain"`
	// KeyPem is the workload's private key, so a test can hold a certificate it was issued.
	KeyPem string `json:"keyPem"`
}

// requestWorkloadCertificate does what pilot-agent does for a new pod: a CSR for the
// workload's SPIFFE identity, authenticated with its ServiceAccount token, over TLS that
// trusts only the given root(s).
func requestWorkloadCertificate(ctx context.Context, request csrRequest) (*csrResult, error) {
	rootPem, err := os.ReadFile(request.rootCertFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", request.rootCertFile)
	}
	token, err := os.ReadFile(request.tokenFile)
	if err != nil {
		return nil, err
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	identity := &url.URL{Scheme: "spiffe", Host: "cluster.local",
		Path: fmt.Sprintf("/ns/%s/sa/%s", request.namespace, request.serviceAccount)}
	csrDer, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{URIs: []*url.URL{identity}}, key)
	if err != nil {
		return nil, err
	}
	keyDer, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}

	transport := credentials.NewTLS(&tls.Config{RootCAs: roots, ServerName: request.serverName, MinVersion: tls.VersionTLS12})
	conn, err := grpc.NewClient(request.address, grpc.WithTransportCredentials(transport))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ctx = metadata.AppendToOutgoingContext(ctx,
		"authorization", "Bearer "+strings.TrimSpace(string(token)),
		"ClusterID", request.clusterID)
	response, err := security.NewIstioCertificateServiceClient(conn).CreateCertificate(ctx, &security.IstioCertificateRequest{
		Csr:              string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDer})),
		ValidityDuration: 3600,
	})
	if err != nil {
		return nil, fmt.Errorf("istiod at %s refused the CSR for %s: %w", request.address, identity, err)
	}
	return &csrResult{
		CertChain: response.GetCertChain(),
		KeyPem:    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDer})),
	}, nil
}
