package timeline

import (
	"testing"
	"time"
)

// benchSection is a realistic Timeline section of about 40 lines mixing the
// common forms: a preamble, list items with zones and markers, a date
// heading, continuation lines and a table.
const benchSection = `All times CET (UTC+01:00).

- 20:58 CET — traffic on search-indexer rose to 24x normal
- 21:17 CET — p99 latency above 650 ms
- 21:30 CET — the SLO burn-rate alert for search-indexer paged the on-call
- 21:33 CET — Łukasz Park acknowledged the page (detected)
- 21:39 CET — new nodes joined the cluster
- 21:40 CET — incident declared SEV4, Rahul Park is incident commander
  - Slack channel #inc-1001 opened
  - status page updated
- 21:44 CET — node pool scale-up requested
- 21:47 CET — HPA reached max replicas
- 21:49 CET — mitigated: scaled search-indexer from 40 to 120 replicas
- 22:10 CET — **error rate** back under 1%
- 22:40 CET — resolved: latency back within SLO
- 23:55 CET — follow-up ticket SRCH-4581 filed
- 00:20 CET — on-call handed over to the next shift

### 2016-06-28

**09:00 CET**: review meeting scheduled
` + "`09:30`" + ` — capacity calendar updated
- 10:15 — Retries with no backoff made the load on postgres roughly 5 times worse
- 10:20 — Because of the change freeze, the impact on API clients was limited
- 11:05 — Looking at iostat showed requests stuck waiting on elasticsearch
- 11:30 — the runbook was updated [mitigated]

| Time (UTC) | Who/What | Action/ Impact |
|-----------|----------|----------------|
| 2016-06-28 10:40 | on-call | paged the database team |
| 10:45 | database team | acknowledged |
| 10:52 | database team | failover complete |
| 11:00 | on-call | error rate at baseline |
| 11:30 | IC | all clear |

- 13:00 — postmortem draft started
- 13:30 — draft shared for review
- 14:00 — review comments addressed
- 14:30 — action items filed
- 15:00 — postmortem published
`

func BenchmarkParse(b *testing.B) {
	src := []byte(benchSection)
	b.SetBytes(int64(len(src)))
	opts := Options{Date: time.Date(2016, 6, 27, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		Parse(src, 30, opts)
	}
}
