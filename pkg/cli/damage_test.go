package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/search"
)

// TestDamagedIndexRepaired: a search index damaged in the cache (garbage
// in root.bolt, in index_meta.json, a byte of a segment) is noticed by
// inquest search, which rebuilds it and answers, and by build --force.
func TestDamagedIndexRepaired(t *testing.T) {
	dir := repotest.Write(t, `
-- postmortems/2024/2024-02-11-cache.md --
---
id: INC-2024-009
title: Session cache eviction storm
date: 2024-02-11
severity: SEV2
tags: [cache]
---
## Summary

Evictions logged users out.
`)
	for _, damage := range []string{"store/root.bolt", "index_meta.json", "store/*.zap"} {
		t.Run(damage, func(t *testing.T) {
			cache := t.TempDir()
			t.Setenv("INQUEST_CACHE_DIR", cache)
			run := func(args ...string) (int, string, string) {
				var out, errb bytes.Buffer
				code := cli.Run(context.Background(), args, nil, &out, &errb)
				return code, out.String(), errb.String()
			}
			if code, _, stderr := run("build", dir, "--out", filepath.Join(t.TempDir(), "public")); code != 0 {
				t.Fatalf("build: %d %s", code, stderr)
			}
			files, _ := filepath.Glob(filepath.Join(cache, "*", "search", "index", damage))
			if len(files) == 0 {
				t.Fatalf("no %s in the cache", damage)
			}
			garbage := bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 4096)
			if damage == "store/*.zap" {
				data, _ := os.ReadFile(files[0])
				data[len(data)/2] ^= 0xff
				garbage = data
			}
			if err := os.WriteFile(files[0], garbage, 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run("search", "-C", dir, "--json", "eviction")
			var res search.Result
			if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || res.Total != 1 {
				t.Fatalf("search over a damaged index: exit %d, %s %s", code, stdout, stderr)
			}
			if code, _, stderr := run("build", dir, "--force", "--out", filepath.Join(t.TempDir(), "public")); code != 0 {
				t.Fatalf("build --force: %d %s", code, stderr)
			}
		})
	}
}
