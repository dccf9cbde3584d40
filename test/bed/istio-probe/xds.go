package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
	nds "istio.io/istio/pkg/dns/proto"
)

const (
	clusterType   = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	endpointType  = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
	listenerType  = "type.googleapis.com/envoy.config.listener.v3.Listener"
	routeType     = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
	nameTableType = "type.googleapis.com/istio.networking.nds.v1.NameTable"
	resourceType  = "type.googleapis.com/envoy.service.discovery.v3.Resource"
)

// proxyIdentity is who the probe claims to be: what pilot-agent would put in Envoy's node.
type proxyIdentity struct {
	nodeType, ip, pod, namespace, serviceAccount, clusterID string
	labels                                                  map[string]string
	dnsCapture                                              bool
}

func (p proxyIdentity) nodeID() string {
	return fmt.Sprintf("%s~%s~%s.%s~%s.svc.cluster.local", p.nodeType, p.ip, p.pod, p.namespace, p.namespace)
}

func (p proxyIdentity) node() (*core.Node, error) {
	labels := map[string]any{}
	for k, v := range p.labels {
		labels[k] = v
	}
	fields := map[string]any{
		"NAMESPACE":         p.namespace,
		"SERVICE_ACCOUNT":   p.serviceAccount,
		"CLUSTER_ID":        p.clusterID,
		"NAME":              p.pod,
		"INSTANCE_IPS":      p.ip,
		"LABELS":            labels,
		"INTERCEPTION_MODE": "REDIRECT",
	}
	if p.dnsCapture {
		fields["DNS_CAPTURE"] = "true"
	}
	metadata, err := structpb.NewStruct(fields)
	if err != nil {
		return nil, err
	}
	return &core.Node{Id: p.nodeID(), Cluster: p.pod, Metadata: metadata}, nil
}

// xdsResult is what the probe prints: every resource as Envoy's own JSON.
type xdsResult struct {
	Node string `json:"node"`
	// Version is istiod's push version all resources come from.
	Version   string                     `json:"version"`
	Clusters  []json.RawMessage          `json:"clusters"`
	Endpoints []json.RawMessage          `json:"endpoints"`
	Listeners []json.RawMessage          `json:"listeners"`
	Routes    []json.RawMessage          `json:"routes"`
	NameTable map[string]json.RawMessage `json:"nameTable,omitempty"`
}

// subscription is one type's state on the stream: the names asked for and whether istiod has
// answered since they last changed.
type subscription struct {
	names     []string
	answered  bool
	version   string
	resources []*anypb.Any
}

func unwrap(resource *anypb.Any) (*anypb.Any, error) {
	if resource.GetTypeUrl() != resourceType {
		return resource, nil
	}
	wrapper := &discovery.Resource{}
	if err := resource.UnmarshalTo(wrapper); err != nil {
		return nil, err
	}
	return wrapper.GetResource(), nil
}

func edsNames(resources []*anypb.Any) ([]string, error) {
	var names []string
	for _, resource := range resources {
		c := &cluster.Cluster{}
		if err := resource.UnmarshalTo(c); err != nil {
			return nil, err
		}
		if c.GetType() != cluster.Cluster_EDS {
			continue
		}
		name := c.GetEdsClusterConfig().GetServiceName()
		if name == "" {
			name = c.GetName()
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

func rdsNames(resources []*anypb.Any) ([]string, error) {
	seen := map[string]bool{}
	for _, resource := range resources {
		l := &listener.Listener{}
		if err := resource.UnmarshalTo(l); err != nil {
			return nil, err
		}
		chains := append(slices.Clone(l.GetFilterChains()), l.GetDefaultFilterChain())
		for _, chain := range chains {
			for _, filter := range chain.GetFilters() {
				typed := filter.GetTypedConfig()
				if typed == nil || !typed.MessageIs(&hcm.HttpConnectionManager{}) {
					continue
				}
				manager := &hcm.HttpConnectionManager{}
				if err := typed.UnmarshalTo(manager); err != nil {
					return nil, err
				}
				if name := manager.GetRds().GetRouteConfigName(); name != "" {
					seen[name] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// fetchXds opens one ADS stream as the given proxy, follows CDS to EDS and LDS to RDS as Envoy
// does, ACKs every response, and returns once each subscribed type has been answered.
func fetchXds(ctx context.Context, address string, proxy proxyIdentity) (*xdsResult, error) {
	node, err := proxy.node()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20)))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening the ADS stream to %s: %w", address, err)
	}

	subscriptions := map[string]*subscription{}
	sentNode := false
	subscribe := func(typeURL string, names []string, version, nonce string) error {
		sub := subscriptions[typeURL]
		if sub == nil {
			sub = &subscription{}
			subscriptions[typeURL] = sub
		}
		if nonce == "" || !slices.Equal(sub.names, names) {
			sub.answered = false
		}
		sub.names = names
		request := &discovery.DiscoveryRequest{
			TypeUrl: typeURL, ResourceNames: names, VersionInfo: version, ResponseNonce: nonce,
		}
		if !sentNode {
			request.Node = node
			sentNode = true
		}
		return stream.Send(request)
	}
	initial := []string{clusterType, listenerType}
	if proxy.dnsCapture {
		initial = append(initial, nameTableType)
	}
	for _, typeURL := range initial {
		if err := subscribe(typeURL, nil, "", ""); err != nil {
			return nil, fmt.Errorf("subscribing to %s: %w", typeURL, err)
		}
	}

	for !consistent(subscriptions) {
		response, err := stream.Recv()
		if err != nil {
			return nil, fmt.Errorf("waiting for istiod at %s (answered so far: %v): %w", address, answered(subscriptions), err)
		}
		typeURL := response.GetTypeUrl()
		sub := subscriptions[typeURL]
		if sub == nil {
			continue // a type istiod pushes unasked
		}
		resources := make([]*anypb.Any, 0, len(response.GetResources()))
		for _, resource := range response.GetResources() {
			inner, err := unwrap(resource)
			if err != nil {
				return nil, err
			}
			resources = append(resources, inner)
		}
		sub.resources = resources
		sub.answered = true
		sub.version = response.GetVersionInfo()
		if err := subscribe(typeURL, sub.names, response.GetVersionInfo(), response.GetNonce()); err != nil {
			return nil, err
		}
		var follow string
		var names []string
		switch typeURL {
		case clusterType:
			follow = endpointType
			names, err = edsNames(resources)
		case listenerType:
			follow = routeType
			names, err = rdsNames(resources)
		}
		if err != nil {
			return nil, err
		}
		if follow == "" {
			continue
		}
		current := subscriptions[follow]
		if len(names) == 0 {
			delete(subscriptions, follow)
		} else if current == nil || !slices.Equal(current.names, names) {
			if err := subscribe(follow, names, "", ""); err != nil {
				return nil, err
			}
		}
	}
	return renderResult(proxy.nodeID(), subscriptions)
}

// consistent tells whether every subscribed type has been answered, all from one push: istiod
// stamps each response with its push's version, so equal versions mean one configuration
// state rather than, say, clusters from after a change and listeners from before it.
func consistent(subscriptions map[string]*subscription) bool {
	version := ""
	for _, sub := range subscriptions {
		if !sub.answered || (version != "" && sub.version != version) {
			return false
		}
		version = sub.version
	}
	return true
}

func answered(subscriptions map[string]*subscription) map[string]string {
	out := map[string]string{}
	for typeURL, sub := range subscriptions {
		if sub.answered {
			out[typeURL] = "version " + sub.version
		} else {
			out[typeURL] = "not yet"
		}
	}
	return out
}

func renderResult(nodeID string, subscriptions map[string]*subscription) (*xdsResult, error) {
	result := &xdsResult{Node: nodeID, Version: subscriptions[clusterType].version, Clusters: []json.RawMessage{}, Endpoints: []json.RawMessage{},
		Listeners: []json.RawMessage{}, Routes: []json.RawMessage{}}
	targets := map[string]struct {
		into *[]json.RawMessage
		new  func() proto.Message
	}{
		clusterType:  {&result.Clusters, func() proto.Message { return &cluster.Cluster{} }},
		endpointType: {&result.Endpoints, func() proto.Message { return &endpoint.ClusterLoadAssignment{} }},
		listenerType: {&result.Listeners, func() proto.Message { return &listener.Listener{} }},
		routeType:    {&result.Routes, func() proto.Message { return &route.RouteConfiguration{} }},
	}
	for typeURL, sub := range subscriptions {
		if typeURL == nameTableType {
			table, err := renderNameTable(sub.resources)
			if err != nil {
				return nil, err
			}
			result.NameTable = table
			continue
		}
		target := targets[typeURL]
		for _, resource := range sub.resources {
			message := target.new()
			if err := resource.UnmarshalTo(message); err != nil {
				return nil, err
			}
			raw, err := marshalEnvoyJSON(message)
			if err != nil {
				return nil, fmt.Errorf("rendering a %s as JSON: %w", typeURL, err)
			}
			*target.into = append(*target.into, raw)
		}
	}
	return result, nil
}

func renderNameTable(resources []*anypb.Any) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, resource := range resources {
		table := &nds.NameTable{}
		if err := resource.UnmarshalTo(table); err != nil {
			return nil, err
		}
		for host, info := range table.GetTable() {
			raw, err := marshalEnvoyJSON(info)
			if err != nil {
				return nil, err
			}
			out[host] = raw
		}
	}
	return out, nil
}
