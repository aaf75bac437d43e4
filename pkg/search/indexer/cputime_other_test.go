//go:build !unix

package indexer

import "time"

func cpuTime() time.Duration { return 0 }
