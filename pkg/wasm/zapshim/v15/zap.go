// Package zap stands in for zapx v15: scorch registers its ZapPlugin, which
// supports nothing (see package zapshim).
package zap

import "github.com/inquest-dev/inquest/pkg/wasm/zapshim"

type version struct{}

func (version) Version() uint32 { return 15 }

// ZapPlugin is the zap v15 segment plugin that scorch registers.
type ZapPlugin = zapshim.Plugin[version]
