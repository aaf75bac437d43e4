package postmortem

import (
	"bytes"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/config"
)

// FuzzBodyMetadata parses arbitrary postmortems for the metadata their
// bodies state: it must never panic, never change the body, and every
// inferred value must name a canonical field and a line of the file.
func FuzzBodyMetadata(f *testing.F) {
	f.Add([]byte("# T\n\n**Severity:** Critical\nStatus: Resolved\n**Duration:** 21:45 to 23:28 UTC (103 minutes)\n"))
	f.Add([]byte("# T\n\n## Severity\n\n**P1**\n\n## Stats\n\nTime to detection: 15 minutes\n| Owner | Ana |\n"))
	f.Add([]byte("---\nseverity: SEV2\n---\n**Severity:** SEV3\n**Detected:** 10:00\n"))
	f.Add([]byte("## Severity: \n**Date:** 99:99\n- __Owner__: x\n"))
	f.Add([]byte("# T\n\n### Summary\n| Incident Number | INC-1 | Incident Severity | SEV1 |\n| Date | Service | Errors | Impact |\n| Time to Detect (TTD) | 6 minutes | | |\n"))
	f.Add([]byte("# T\n\n## Summary\n\n1. Service(s) affected: x\n\n## Impact\n\n| Q | A |\n|---|---|\n| When was the incident detected? | 10:00 |\n"))
	f.Add([]byte("# Log\n\n## 2021-03-02: A\n\n**Severity:** SEV2\n\n### Timeline\n\n- 14:02 x\n\n## B\n**Severity:** SEV3\n### Timeline\n"))
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		f.Fatal(err)
	}
	fields := config.FieldNames()
	p := NewParser(cfg)
	f.Fuzz(func(t *testing.T, data []byte) {
		inc := p.Parse("retros/x.md", data)
		if inc.Broken {
			return
		}
		lines := 1 + bytes.Count(data, []byte("\n"))
		for _, x := range inc.Inferred {
			if !slices.Contains(fields, x.Field) {
				t.Fatalf("inferred a field that does not exist: %+v", x)
			}
			if x.Line < 0 || x.Line > lines {
				t.Fatalf("inferred %s at line %d of a %d-line file", x.Field, x.Line, lines)
			}
		}
		if !bytes.HasSuffix(Normalize(data), inc.Body) {
			t.Fatalf("body is not the end of the file")
		}
	})
}

// FuzzShape judges arbitrary file starts for a postmortem's shape: it must
// never panic, and a reason it gives is printable text.
func FuzzShape(f *testing.F) {
	f.Add("2021-05/x.md", []byte("# Outage\n\n## Timeline\n\n- 10:00 x\n"))
	f.Add("notes/y.md", []byte("---\nsev: 2\n---\n"))
	f.Add("docs/z.md", []byte("# How to write a postmortem\n## Impact\n## Root cause\n"))
	f.Add("a", []byte("+++\n"))
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rel string, head []byte) {
		why := shapeOf(cfg, rel, head)
		if why != "" && !utf8.ValidString(why) && utf8.ValidString(rel) {
			t.Fatalf("reason %q is not text", why)
		}
	})
}
