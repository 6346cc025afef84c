package webhook

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Resolver looks host names up; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// sharedSpace is carrier-grade NAT space (RFC 6598), private in practice.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// IsPublic reports whether a webhook may be sent to addr: not loopback,
// private, link-local, unique-local, unspecified, multicast or shared space.
func IsPublic(addr netip.Addr) bool {
	addr = addr.Unmap()
	switch {
	case !addr.IsValid(), addr.IsUnspecified(), addr.IsLoopback(), addr.IsPrivate(),
		addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast(), addr.IsInterfaceLocalMulticast(),
		addr.IsMulticast(), sharedSpace.Contains(addr):
		return false
	case addr.Is4() && (addr.As4()[0] == 0 || addr == netip.AddrFrom4([4]byte{255, 255, 255, 255})):
		return false // "this network" and broadcast
	}
	return true
}

// CheckURL checks that raw is an address webhooks may be sent to: https
// with a host whose every address is public. With allowPrivate (a
// case-management system on the same network) http and private addresses
// are allowed too. The message says what is wrong, for a field error.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, r Resolver) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !u.IsAbs() {
		return fmt.Errorf("must be an absolute https URL")
	}
	if u.Scheme != "https" && !(allowPrivate && u.Scheme == "http") {
		return fmt.Errorf("must start with https://")
	}
	if u.User != nil {
		return fmt.Errorf("must not carry a user name or password")
	}
	if u.Fragment != "" {
		return fmt.Errorf("must not have a #fragment")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	addrs := []netip.Addr{}
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, a)
	} else if addrs, err = r.LookupNetIP(ctx, "ip", host); err != nil || len(addrs) == 0 {
		return fmt.Errorf("names a host that could not be found")
	}
	for _, a := range addrs {
		if !IsPublic(a) {
			return fmt.Errorf("must reach a public address; %s resolves to %s, which is not", host, a)
		}
	}
	return nil
}

// dialControl refuses, at connection time, an address that is not public,
// so a name that resolved to a public address when the webhook was created
// cannot be pointed inside the network later (DNS rebinding).
func dialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook address %q: %w", address, err)
		}
		if !IsPublic(ap.Addr()) {
			return fmt.Errorf("webhook address %s is not public", ap.Addr())
		}
		return nil
	}
}

// NewClient returns the HTTP client deliveries go through: a timeout per
// request, no proxy, no redirects (a 3xx is a failure), and the address
// check on every connection.
func NewClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: dialControl(allowPrivate)}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
