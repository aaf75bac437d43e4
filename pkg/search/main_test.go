package search

import (
	"os"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/testtmp"
)

// TestMain puts the tests' temporary folders on a memory file system when
// there is one, and sets the collector for tests (see package testtmp).
func TestMain(m *testing.M) { os.Exit(testtmp.Main(m)) }
