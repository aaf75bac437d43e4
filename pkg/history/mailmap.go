package history

import (
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// mailmap maps the names and emails written in commits to canonical ones,
// as git's .mailmap does.
type mailmap struct {
	byEmail map[string]*mailmapEntry // lowercased commit email
}

type mailmapEntry struct {
	name, email string               // replacement for any name at this email
	byName      map[string][2]string // lowercased commit name → name, email
}

// parseMailmap reads the standard .mailmap forms:
//
//	Proper Name <commit@email>
//	<proper@email> <commit@email>
//	Proper Name <proper@email> <commit@email>
//	Proper Name <proper@email> Commit Name <commit@email>
//
// Lines starting with "#" are comments, and so is anything after the last
// email on a line. Malformed lines are ignored, as git ignores them.
func parseMailmap(text string) *mailmap {
	mm := &mailmap{byEmail: map[string]*mailmapEntry{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		name1, email1, rest, ok := nameEmail(line)
		if !ok {
			continue
		}
		name2, email2, _, ok2 := nameEmail(rest)
		var properName, properEmail, commitName, commitEmail string
		if ok2 {
			properName, properEmail, commitName, commitEmail = name1, email1, name2, email2
		} else {
			properName, commitEmail = name1, email1
		}
		if commitEmail == "" && !ok2 {
			continue
		}
		key := strings.ToLower(commitEmail)
		e := mm.byEmail[key]
		if e == nil {
			e = &mailmapEntry{}
			mm.byEmail[key] = e
		}
		if commitName != "" {
			if e.byName == nil {
				e.byName = map[string][2]string{}
			}
			e.byName[strings.ToLower(commitName)] = [2]string{properName, properEmail}
			continue
		}
		if properName != "" {
			e.name = properName
		}
		if properEmail != "" {
			e.email = properEmail
		}
	}
	return mm
}

// nameEmail reads "Name <email>" from the start of s and returns the rest.
func nameEmail(s string) (name, email, rest string, ok bool) {
	lt := strings.IndexByte(s, '<')
	if lt < 0 {
		return "", "", "", false
	}
	gt := strings.IndexByte(s[lt:], '>')
	if gt < 0 {
		return "", "", "", false
	}
	gt += lt
	return strings.TrimSpace(s[:lt]), strings.TrimSpace(s[lt+1 : gt]), s[gt+1:], true
}

// person returns the canonical name and email for a name and email as
// written in a commit or trailer.
func (mm *mailmap) person(name, email string) postmortem.Person {
	p := postmortem.Person{Name: name, Email: email}
	if mm == nil || email == "" {
		return p
	}
	e := mm.byEmail[strings.ToLower(email)]
	if e == nil {
		return p
	}
	if e.byName != nil {
		if r, ok := e.byName[strings.ToLower(name)]; ok {
			if r[0] != "" {
				p.Name = r[0]
			}
			if r[1] != "" {
				p.Email = r[1]
			}
			return p
		}
	}
	if e.name != "" {
		p.Name = e.name
	}
	if e.email != "" {
		p.Email = e.email
	}
	return p
}
