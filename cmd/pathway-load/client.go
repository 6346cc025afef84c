package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// client sends requests to one server with at most conns connections,
// each kept open, and adds the credentials to every request.
type client struct {
	base string
	http *http.Client
	// auth adds credentials to a request.
	auth func(*http.Request)
}

func newClient(base string, conns int) *client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     90 * time.Second,
	}
	return &client{base: base, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, auth: func(*http.Request) {}}
}

// send makes one request and reads its whole answer, counting a 2xx as ok,
// any other status as non2xx and a failure to get an answer as transport.
func (c *client) send(ctx context.Context, method, path string, body []byte) (outcome, int) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return transport, 0
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.auth(req)
	res, err := c.http.Do(req)
	if err != nil {
		return transport, 0
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return transport, res.StatusCode
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return non2xx, res.StatusCode
	}
	return ok, res.StatusCode
}

// getJSON fetches path and decodes its JSON answer into v, for setting up.
func (c *client) getJSON(ctx context.Context, path string, v any) error {
	return c.doJSON(ctx, http.MethodGet, path, nil, v)
}

// doJSON sends body as JSON and decodes a 2xx answer into v (nil skips it).
func (c *client) doJSON(ctx context.Context, method, path string, body, v any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.auth(req)
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(data))
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

var errNoData = errors.New("the server has no participants to load against; start it with --demo")
