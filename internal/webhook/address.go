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

	"pathway/internal/pathway"
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
// are allowed too. It refuses with an EINVALID error of the field url.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, r Resolver) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !u.IsAbs() {
		return pathway.Invalid("url", "webhook.url_absolute")
	}
	if u.Scheme != "https" && !(allowPrivate && u.Scheme == "http") {
		return pathway.Invalid("url", "webhook.url_https")
	}
	if u.User != nil {
		return pathway.Invalid("url", "webhook.url_user")
	}
	if u.Fragment != "" {
		return pathway.Invalid("url", "webhook.url_fragment")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	addrs := []netip.Addr{}
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, a)
	} else if addrs, err = r.LookupNetIP(ctx, "ip", host); err != nil || len(addrs) == 0 {
		return pathway.Invalid("url", "webhook.url_unknown_host")
	}
	for _, a := range addrs {
		if !IsPublic(a) {
			return pathway.Invalid("url", "webhook.url_private", host, a.String())
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
