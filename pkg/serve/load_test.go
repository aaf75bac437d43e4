package serve

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoad runs 200 concurrent clients against serve on loopback, mixing
// pages, a missing page and search API queries, and checks every answer.
// Each client sends every request twice (2,800 in all): a count, not a
// time, so the test does the same work on any machine;
// INQUEST_LOAD_SECONDS=30 runs the full soak instead, each client sending
// for that long. The request loop is bounded in count and time and only
// ever calls 127.0.0.1.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	var soak time.Duration
	if v := os.Getenv("INQUEST_LOAD_SECONDS"); v != "" {
		if d, err := time.ParseDuration(v + "s"); err == nil {
			soak = d
		}
	}
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Dir: "../../examples/acme", Addr: "127.0.0.1:0", NoHistory: true, Ready: func(a string) { ready <- a }})
	}()
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatal(err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	type probe struct {
		path, want string
		code       int
	}
	probes := []probe{
		{"/", "Acme Shop postmortems", 200},
		{"/incidents/INC-2024-001/", "payment", 200},
		{"/tags/", "Tags", 200},
		{"/api/search?q=dns&facets=1", `"hits"`, 200},
		{"/api/search?q=%2Btags%3Adatabase+%22connection+pool%22", `"total"`, 200},
		{"/no/such/page/", "Page not found", 404},
		{"/api/search?q=tags%3A%28", `"error"`, 400},
	}
	const clients = 200
	perClient := 2 * len(probes)
	if soak > 0 {
		perClient = 100000
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	start := time.Now()
	deadline := start.Add(soak)
	var total, failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := c; i < c+perClient && (soak == 0 || time.Now().Before(deadline)); i++ {
				p := probes[i%len(probes)]
				start := time.Now()
				resp, err := client.Get(base + p.path)
				if err != nil {
					failed.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(start))
				total.Add(1)
				if resp.StatusCode != p.code || !strings.Contains(string(body), p.want) {
					if failed.Add(1) < 5 {
						t.Errorf("%s: %d, want %d with %q", p.path, resp.StatusCode, p.code, p.want)
					}
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total.Load() == 0 {
		t.Fatal("no request answered")
	}
	elapsed := time.Since(start)
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	t.Logf("%d clients, %s: %d requests (%.0f/s), %d failed, p50 %s, p99 %s",
		clients, elapsed.Round(time.Millisecond), total.Load(), float64(total.Load())/elapsed.Seconds(), failed.Load(), p50.Round(time.Microsecond), p99.Round(time.Microsecond))
	if failed.Load() > 0 {
		t.Errorf("%d requests failed", failed.Load())
	}
	cancel()
	<-done
}
