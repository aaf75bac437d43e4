// Package zap stands in for zapx v16: scorch registers its ZapPlugin, which
// supports nothing (see package zapshim).
package zap

import "github.com/inquest-dev/inquest/pkg/wasm/zapshim"

type version struct{}

func (version) Version() uint32 { return 16 }

// ZapPlugin is the zap v16 segment plugin that scorch registers.
type ZapPlugin = zapshim.Plugin[version]
