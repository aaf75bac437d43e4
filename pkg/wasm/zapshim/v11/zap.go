// Package zap stands in for zapx v11: scorch registers its ZapPlugin, which
// supports nothing (see package zapshim).
package zap

import "github.com/inquest-dev/inquest/pkg/wasm/zapshim"

type version struct{}

func (version) Version() uint32 { return 11 }

// ZapPlugin is the zap v11 segment plugin that scorch registers.
type ZapPlugin = zapshim.Plugin[version]
